"""Video-to-video with LTX-2.3 ControlNet: restyle a clip following its edges, pose or depth.

    python examples/video_to_video.py "anime style" --video clip.mp4 --control canny
    python examples/video_to_video.py "claymation" --control depth --strength 0.85 \\
        --detailer-strength 0.6 --image style.png
"""

from __future__ import annotations

from _common import asset, client, main, make_video, video_parser

MODELS = ("ltx23-22b-fp8_v2v_distilled", "ltx23-22b-fp8_v2v_dev")


def run() -> None:
    cli = video_parser(__doc__.splitlines()[0], prompt="anime style, vivid colors", models=MODELS)
    cli.add_argument("--video", help="source video (a placeholder if omitted)")
    cli.add_argument("--control", choices=("canny", "pose", "depth", "detailer"), default="canny")
    cli.add_argument("--strength", type=float, help="ControlNet strength (0-1)")
    cli.add_argument("--detailer-strength", type=float, help="detailer LoRA strength (0-1)")
    cli.add_argument("--image", help="optional reference image for the look")
    cli.add_argument("--identity-audio", help="optional voice clip for the speaker identity")
    cli.add_argument("--video-start", type=float, help="where to start in the video (s)")
    args = cli.parse_args()
    control: dict[str, object] = {"name": args.control}
    if args.strength is not None:
        control["strength"] = args.strength
    with client() as sogni:
        make_video(
            sogni,
            args,
            reference_video=asset(args.video, "clip.mp4"),
            reference_image=args.image,
            reference_audio_identity=args.identity_audio,
            control_net=control,
            detailer_strength=args.detailer_strength,
            video_start=args.video_start,
        )


if __name__ == "__main__":
    main(run)
