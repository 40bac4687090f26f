"""Image editing with context images: Qwen Image Edit, Flux Kontext, Flux.2 or GPT Image 2.

    python examples/image_edit.py "put the subject in a snowy forest" --image photo.jpg
    python examples/image_edit.py "combine both" --image a.png --image b.png --model flux2_dev_fp8
    python examples/image_edit.py "studio product shot" --model gpt-image-2 --image shoe.jpg \\
        --gpt-quality high --format webp --enhance light
"""

from __future__ import annotations

from _common import ASSETS, client, follow, main, parser

#: Model id -> how many context images it accepts.
MODELS = {
    "qwen_image_edit_2511_fp8_lightning": 3,
    "qwen_image_edit_2511_fp8": 3,
    "flux1-dev-kontext_fp8_scaled": 2,
    "flux2_dev_fp8": 6,
    "gpt-image-2": 16,
}


def run() -> None:
    cli = parser(__doc__.splitlines()[0], prompt="make it a watercolor painting at night")
    cli.add_argument("--model", choices=list(MODELS), default="qwen_image_edit_2511_fp8_lightning")
    cli.add_argument(
        "--image", action="append", help="context image (repeat for several; max per model)"
    )
    cli.add_argument("--steps", type=int)
    cli.add_argument("--count", type=int, default=1)
    cli.add_argument("--width", type=int)
    cli.add_argument("--height", type=int)
    cli.add_argument("--format", choices=("png", "jpg", "webp"), default="png")
    cli.add_argument("--gpt-quality", choices=("low", "medium", "high", "auto"))
    cli.add_argument(
        "--enhance", choices=("light", "medium", "heavy"), help="enhance the first result"
    )
    args = cli.parse_args()
    images = args.image or [str(ASSETS / "photo.jpg"), str(ASSETS / "image.png")]
    images = images[: MODELS[args.model]]
    with client() as sogni:
        if args.estimate:
            cost = sogni.projects.estimate_cost(
                args.model,
                number_of_media=args.count,
                steps=args.steps,
                context_images=len(images),
                width=args.width,
                height=args.height,
                gpt_image_quality=args.gpt_quality,
                output_format=args.format,
                token_type=args.token_type,
            )
            print(f"estimated cost: {cost.token} {args.token_type} (${cost.usd})")
        project = sogni.projects.create(
            type="image",
            model_id=args.model,
            positive_prompt=args.prompt,
            context_images=images,
            number_of_media=args.count,
            steps=args.steps,
            seed=args.seed,
            width=args.width,
            height=args.height,
            output_format=args.format,
            gpt_image_quality=args.gpt_quality,
            token_type=args.token_type,
        )
        follow(project, args.out, args.timeout)
        if args.enhance:
            print(f"enhancing the first result ({args.enhance})")
            enhanced = project.jobs[0].start_enhancement(args.enhance)
            follow(enhanced, args.out, args.timeout)


if __name__ == "__main__":
    main(run)
