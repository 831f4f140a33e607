"""The channel-neutral core of the workers' service bot: nothing here imports ``telegram``."""
