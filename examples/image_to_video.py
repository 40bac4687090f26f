"""Image-to-video with Wan 2.2 or LTX-2.3, including first/last keyframe interpolation.

    python examples/image_to_video.py "the photo comes alive" --image photo.jpg
    python examples/image_to_video.py "day turns to night" --model ltx23-22b-fp8_i2v_distilled \\
        --image day.png --end-image night.png --first-strength 0.6 --last-strength 0.8
"""

from __future__ import annotations

from _common import asset, client, main, make_video, video_parser

MODELS = (
    "wan_v2.2-14b-fp8_i2v_lightx2v",
    "wan_v2.2-14b-fp8_i2v",
    "ltx23-22b-fp8_i2v_distilled",
    "ltx23-22b-fp8_i2v_dev",
)


def run() -> None:
    cli = video_parser(
        __doc__.splitlines()[0], prompt="the photo slowly comes alive", models=MODELS
    )
    cli.add_argument("--image", help="first frame (a bundled placeholder if omitted)")
    cli.add_argument("--end-image", help="last frame, for keyframe interpolation")
    cli.add_argument("--first-strength", type=float, help="LTX-2.3: first-frame strength (0-1)")
    cli.add_argument("--last-strength", type=float, help="LTX-2.3: last-frame strength (0-1)")
    cli.add_argument("--teacache", type=float, help="Wan: TeaCache threshold (0.2 is good)")
    args = cli.parse_args()
    with client() as sogni:
        make_video(
            sogni,
            args,
            reference_image=asset(args.image, "photo.jpg"),
            reference_image_end=args.end_image,
            first_frame_strength=args.first_strength,
            last_frame_strength=args.last_strength,
            teacache_threshold=args.teacache,
        )


if __name__ == "__main__":
    main(run)
