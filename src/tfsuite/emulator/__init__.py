"""AWS emulators for the emulator layer: embedded moto by default, LocalStack when present.

    from tfsuite.emulator import open_emulator
    with open_emulator() as emulator:      # embedded moto, whatever LOCALSTACK_ENDPOINT says
        emulator.client("s3").list_buckets()
"""

from tfsuite.emulator.endpoint import Emulator
from tfsuite.emulator.session import open_emulator, open_localstack

__all__ = ["Emulator", "open_emulator", "open_localstack"]
