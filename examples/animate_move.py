"""Animate-move with Wan 2.2: a character from an image performs the motion of a video.

    python examples/animate_move.py "the robot dances" --image robot.png --video dance.mp4 \\
        --video-start 2 --duration 8
"""

from __future__ import annotations

from _common import asset, client, main, make_video, video_parser

MODELS = ("wan_v2.2-14b-fp8_animate-move_lightx2v",)


def run() -> None:
    cli = video_parser(__doc__.splitlines()[0], prompt="the character dances", models=MODELS)
    cli.add_argument("--image", help="the character (a placeholder if omitted)")
    cli.add_argument("--video", help="the driving motion, mp4 or mov (a placeholder if omitted)")
    cli.add_argument("--video-start", type=float, help="where to start in the video (s)")
    args = cli.parse_args()
    with client() as sogni:
        make_video(
            sogni,
            args,
            reference_image=asset(args.image, "image.png"),
            reference_video=asset(args.video, "clip.mp4"),
            video_start=args.video_start,
        )


if __name__ == "__main__":
    main(run)
