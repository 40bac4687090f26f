"""Seedance 2.0 (and Fast): multimodal video from text, images, video and audio references.

Seedance runs at a fixed 24 fps, for 4-15 s, is paid in Spark and takes no negative prompt.
Refer to attachments in the prompt as @Image1, @Video1, @Audio1 (counted per kind).

    python examples/seedance_video.py "a neon skyline time lapse" --duration 5
    python examples/seedance_video.py "@Image1 sings to @Audio1" --fast --image face.png \\
        --audio song.mp3
    python examples/seedance_video.py "restyle @Video1" --video clip.mp4 \\
        --image-url https://cdn.example.com/palette.png
"""

from __future__ import annotations

from _common import client, main, make_video, video_parser

MODELS = ("seedance-2-0", "seedance-2-0-fast")


def run() -> None:
    cli = video_parser(__doc__.splitlines()[0], prompt="a neon skyline time lapse", models=MODELS)
    cli.set_defaults(duration=4)
    cli.add_argument("--fast", action="store_true", help="use Seedance 2.0 Fast (720p)")
    cli.add_argument("--image", help="first-frame image")
    cli.add_argument("--end-image", help="last-frame image")
    cli.add_argument("--video", help="reference video (video-to-video)")
    cli.add_argument("--audio", help="reference audio (needs an image or a video too)")
    cli.add_argument("--image-url", action="append", help="HTTPS image reference (repeat)")
    cli.add_argument("--video-url", action="append", help="HTTPS video reference (repeat)")
    cli.add_argument("--audio-url", action="append", help="HTTPS audio reference (repeat)")
    cli.add_argument("--silent", action="store_true", help="no generated soundtrack")
    args = cli.parse_args()
    if args.fast:
        args.model = "seedance-2-0-fast"
    with client() as sogni:
        make_video(
            sogni,
            args,
            reference_image=args.image,
            reference_image_end=args.end_image,
            reference_video=args.video,
            reference_audio=args.audio,
            reference_image_urls=args.image_url,
            reference_video_urls=args.video_url,
            reference_audio_urls=args.audio_url,
            generate_audio=False if args.silent else None,
        )


if __name__ == "__main__":
    main(run)
