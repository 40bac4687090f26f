"""Text-to-image (and image-to-image) with Z-Image, Flux, Qwen Image, Chroma or GPT Image 2.

    python examples/text_to_image.py "a lighthouse at dawn" --model flux1-schnell-fp8 --count 2
    python examples/text_to_image.py "winter version" --starting-image photo.jpg --strength 0.6
    python examples/text_to_image.py "a chair" --model gpt-image-2 --width 1024 --height 1536 \\
        --gpt-quality high --format webp
"""

from __future__ import annotations

from _common import client, follow, main, parser

MODELS = (
    "z_image_turbo_bf16",
    "z_image_bf16",
    "flux1-schnell-fp8",
    "flux1-krea-dev_fp8_scaled",
    "flux2_dev_fp8",
    "qwen_image_2512_fp8",
    "qwen_image_2512_fp8_lightning",
    "chroma-v.46-flash_fp8",
    "coreml-cyberrealistic_v70_768",
    "gpt-image-2",
)


def run() -> None:
    cli = parser(__doc__.splitlines()[0], prompt="a lighthouse on a cliff at dawn, oil painting")
    cli.add_argument("--model", choices=MODELS, default="z_image_turbo_bf16")
    cli.add_argument("--count", type=int, default=1, help="images to generate")
    cli.add_argument("--steps", type=int, help="inference steps (model default when omitted)")
    cli.add_argument("--guidance", type=float)
    cli.add_argument("--negative", help="what to avoid")
    cli.add_argument("--style", help="style prompt")
    cli.add_argument("--preset", help="size preset id (see client.projects.get_size_presets)")
    cli.add_argument("--width", type=int, help="custom width (with --height)")
    cli.add_argument("--height", type=int, help="custom height (with --width)")
    cli.add_argument("--format", choices=("png", "jpg", "webp"), default="png")
    cli.add_argument("--previews", type=int, default=0, help="preview images while rendering")
    cli.add_argument("--sampler")
    cli.add_argument("--scheduler")
    cli.add_argument("--starting-image", help="guide image for image-to-image")
    cli.add_argument("--strength", type=float, help="starting image strength (0-1)")
    cli.add_argument("--gpt-quality", choices=("low", "medium", "high", "auto"))
    args = cli.parse_args()
    with client() as sogni:
        if args.estimate:
            cost = sogni.projects.estimate_cost(
                args.model,
                number_of_media=args.count,
                steps=args.steps,
                size_preset=args.preset,
                width=args.width,
                height=args.height,
                starting_image_strength=args.strength if args.starting_image else None,
                gpt_image_quality=args.gpt_quality,
                output_format=args.format,
                token_type=args.token_type,
            )
            print(f"estimated cost: {cost.token} {args.token_type} (${cost.usd})")
        project = sogni.projects.create(
            type="image",
            model_id=args.model,
            positive_prompt=args.prompt,
            negative_prompt=args.negative,
            style_prompt=args.style,
            number_of_media=args.count,
            steps=args.steps,
            guidance=args.guidance,
            seed=args.seed,
            size_preset=args.preset,
            width=args.width,
            height=args.height,
            output_format=args.format,
            number_of_previews=args.previews,
            sampler=args.sampler,
            scheduler=args.scheduler,
            starting_image=args.starting_image,
            starting_image_strength=args.strength,
            gpt_image_quality=args.gpt_quality,
            token_type=args.token_type,
        )
        follow(project, args.out, args.timeout)


if __name__ == "__main__":
    main(run)
