"""The OpenAPI schema's view of every operation, with the errors every API door may answer (issue 7, 7.3).

Fuzzing the API (tests/fuzz) showed answers the schema did not document although DRF gives them on
every path: a bad page number (404), a body that is not JSON (400, 415), an anonymous caller (401),
a throttle (429). Each operation now documents them, with the error body (`detail`, and for a 400
one list of messages per field), unless its view declares its own.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        from common.api import ErrorSerializer  # common.api imports this module's neighbours, not this one

        codes = ["400", "404", "429"]
        if self.get_auth():  # signed-in callers only: anonymous is 401, a missing right 403
            codes += ["401", "403"]
        if self.method in WRITES:
            codes += ["409", "415"]
        for code in codes:
            if code not in bodies:
                bodies[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return bodies
