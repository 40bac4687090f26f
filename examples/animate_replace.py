"""Animate-replace with Wan 2.2: swap the subject of a video for the character of an image.

    python examples/animate_replace.py "replace the dancer" --image hero.png --video clip.mp4 \\
        --point 0.5,0.4 --trim-end-frame
"""

from __future__ import annotations

from _common import asset, client, main, make_video, video_parser

MODELS = ("wan_v2.2-14b-fp8_animate-replace_lightx2v",)


def point(text: str) -> tuple[float, float]:
    x, y = text.split(",")
    return float(x), float(y)


def run() -> None:
    cli = video_parser(__doc__.splitlines()[0], prompt="replace the person", models=MODELS)
    cli.add_argument("--image", help="the new subject (a placeholder if omitted)")
    cli.add_argument("--video", help="the video whose subject is replaced")
    cli.add_argument(
        "--point", type=point, action="append", help="x,y on the subject (0-1 or pixels; repeat)"
    )
    cli.add_argument("--video-start", type=float, help="where to start in the video (s)")
    cli.add_argument("--trim-end-frame", action="store_true", help="drop the last frame")
    args = cli.parse_args()
    with client() as sogni:
        make_video(
            sogni,
            args,
            reference_image=asset(args.image, "image.png"),
            reference_video=asset(args.video, "clip.mp4"),
            sam2_coordinates=args.point or [(0.5, 0.5)],
            video_start=args.video_start,
            trim_end_frame=True if args.trim_end_frame else None,
        )


if __name__ == "__main__":
    main(run)
