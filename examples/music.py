"""Music with ACE-Step 1.5 (turbo or sft): style, lyrics, tempo, key and format.

    python examples/music.py "upbeat synth pop" --duration 30 --bpm 120 --key "C major"
    python examples/music.py "a folk ballad" --lyrics lyrics.txt --language en --format flac \\
        --model ace_step_1.5_sft --composer-mode
"""

from __future__ import annotations

from pathlib import Path

from _common import client, follow, main, parser

MODELS = ("ace_step_1.5_turbo", "ace_step_1.5_sft")


def run() -> None:
    cli = parser(__doc__.splitlines()[0], prompt="upbeat synth pop with a catchy hook")
    cli.add_argument("--model", choices=MODELS, default=MODELS[0])
    cli.add_argument("--duration", type=float, default=30, help="seconds (10-600)")
    cli.add_argument("--bpm", type=int, help="tempo (30-300)")
    cli.add_argument("--key", help="key and scale, e.g. 'A minor'")
    cli.add_argument("--time-signature", choices=("2", "3", "4", "6"))
    cli.add_argument("--language", help="language of the lyrics, e.g. en")
    cli.add_argument("--lyrics", help="a text file with lyrics ([verse], [chorus] ...)")
    cli.add_argument("--composer-mode", action="store_true", help="let the model compose")
    cli.add_argument("--prompt-strength", type=float, help="0-10")
    cli.add_argument("--creativity", type=float, help="0-2")
    cli.add_argument("--steps", type=int)
    cli.add_argument("--count", type=int, default=1, help="tracks to generate")
    cli.add_argument("--format", choices=("mp3", "flac", "wav"), default="mp3")
    args = cli.parse_args()
    lyrics = Path(args.lyrics).read_text(encoding="utf-8") if args.lyrics else None
    with client() as sogni:
        if args.estimate:
            cost = sogni.projects.estimate_audio_cost(
                args.model,
                duration=args.duration,
                steps=args.steps,
                number_of_media=args.count,
                token_type=args.token_type,
            )
            print(f"estimated cost: {cost.token} {args.token_type} (${cost.usd})")
        project = sogni.projects.create(
            type="audio",
            model_id=args.model,
            positive_prompt=args.prompt,
            duration=args.duration,
            bpm=args.bpm,
            keyscale=args.key,
            timesignature=args.time_signature,
            language=args.language,
            lyrics=lyrics,
            composer_mode=True if args.composer_mode else None,
            prompt_strength=args.prompt_strength,
            creativity=args.creativity,
            steps=args.steps,
            seed=args.seed,
            number_of_media=args.count,
            output_format=args.format,
            token_type=args.token_type,
        )
        follow(project, args.out, args.timeout)


if __name__ == "__main__":
    main(run)
