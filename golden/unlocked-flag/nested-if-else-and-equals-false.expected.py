import threading


class Notifier:
    _lock = threading.Lock()

    def __init__(self):
        self._sent = False

    def notify(self, event, mail):
        if event.important:
            with self._lock:
                if self._sent == False:
                    mail.send(event)
                    if event.final:
                        self._sent = True
                else:
                    mail.queue(event)
