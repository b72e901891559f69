"""The Textual driver of the app over SSH: Textual's for a Linux terminal, its input's pastes kept to text
(``PasteFilter``) before Textual reads them."""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from crewdeck.tui.ssh.pastes import PasteFilter

#: How much is read of the terminal at a time, as Textual reads it.
_READ = 4096


class SshDriver(LinuxDriver):
    def run_input_thread(self) -> None:
        """Textual's reading of the terminal (``LinuxDriver.run_input_thread``, its source pinned by a test), each read
        through a ``PasteFilter``."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        pastes = PasteFilter()

        def read(final: bool) -> None:
            ready = selector.select(0.1)
            for number, (_, mask) in enumerate(ready, start=1):
                if mask & selectors.EVENT_READ:
                    text = decode(pastes.feed(os.read(self.fileno, _READ)), final=final and number == len(ready))
                    if not text:
                        # Textual's parser takes "" for the end of the input, where a read may give nothing yet: a
                        # character's first byte, an escape in a paste, the start of its end.
                        break
                    for event in parser.feed(text):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                read(final=False)
            selector.unregister(self.fileno)
            read(final=True)
        finally:
            selector.close()
