"""List the LoRAs a model accepts, with their strength ranges, and render with one.

    python examples/loras.py [prompt] [--model krea2_turbo_fp8_scaled] [--lora ID]
                             [--strength S] [--out DIR]

The catalogue is public. Many LoRAs are bipolar sliders: a negative strength applies the
opposite effect (``range_labels`` names both ends); the network clamps a strength to the
LoRA's own ``ui.min``..``ui.max``.
"""

from __future__ import annotations

from _common import client, follow, main, parser


def run() -> None:
    cli = parser(__doc__.splitlines()[0], prompt="a quiet street at dusk")
    cli.add_argument("--model", default="krea2_turbo_fp8_scaled", help="model to list for")
    cli.add_argument("--lora", help="LoRA to render with (default: the first listed)")
    cli.add_argument("--strength", type=float, help="its strength (default: its own default)")
    args = cli.parse_args()
    with client() as sogni:
        catalog = sogni.projects.available_loras(args.model)
        limits = catalog.constraints
        print(
            f"{len(catalog.loras)} LoRA(s) for {args.model} "
            f"(at most {limits.max_per_request} per render):"
        )
        for lora in catalog.loras:
            ui = lora.ui
            ends = f" [{ui.range_labels.min} .. {ui.range_labels.max}]" if ui.range_labels else ""
            print(
                f"  {lora.lora_id}: {lora.name}, strength {ui.min:g} to {ui.max:g}, "
                f"default {ui.default:g}{ends}"
            )
        if not catalog.loras:
            return
        chosen = next(
            (lora for lora in catalog.loras if lora.lora_id == args.lora), catalog.loras[0]
        )
        strength = chosen.ui.default if args.strength is None else args.strength
        print(f"rendering with {chosen.lora_id} at {strength:g}")
        project = sogni.projects.create(
            model_id=args.model,
            positive_prompt=args.prompt,
            seed=args.seed,
            loras=[chosen.lora_id],
            lora_strengths=[strength],
            token_type=args.token_type,
        )
        follow(project, args.out, args.timeout)


if __name__ == "__main__":
    main(run)
