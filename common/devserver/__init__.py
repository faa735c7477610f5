"""The web server of `make run`: Django's development server (`runserver`, static files included) with a
listen backlog that holds a burst of simultaneous connections.

`runserver` listens with socketserver's backlog of ten: the eleventh connection arriving while the
server is still accepting the others overflows the kernel's queue, and its client waits for a SYN
retransmission (one second, then three, then seven...) or, on kernels that abort on overflow, is
reset. Production runs gunicorn (backlog 2048) and does not use this.
"""
