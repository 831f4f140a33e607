"""The gates every update passes first: chat policy and flood control, wired as early handler groups."""
