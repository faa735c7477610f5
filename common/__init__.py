"""The shared base under every app: the error vocabulary services raise, and the glue that turns it
into HTTP answers for the API and the pages (exception handler, input parsing, form helpers, token
authentication). It imports no app and nothing of `config`: every app may import it.
"""
