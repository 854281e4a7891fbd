"""A refusal shown in the one error pattern, for actions that have no fields of their own.

A button such as "Withdraw this proposal" or "Send again" has nothing typed to keep, but when
a service refuses it (someone else acted first in another tab, a rule forbids it now) the person
should meet the refusal the way they meet any other mistake: in the error summary at the top of
the page, which takes focus, with "Error:" in the page title. Pass the form to the page as
`error_form`.
"""

from __future__ import annotations

from django import forms


class Refusal(forms.Form):
    """A form without fields that carries one message as its non-field error."""

    def __init__(self, message: str) -> None:
        # Bound to nothing, so that it is checked (and has no mistakes) before the one is added.
        super().__init__(data={})
        self.add_error(None, message)
