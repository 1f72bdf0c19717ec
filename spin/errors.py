"""spin's own exceptions: the CLI turns each into one line and exit code 2."""


class SpinError(Exception):
    """Base class of every error spin reports to the user."""


class InputError(SpinError):
    """An input that cannot be used; the message names the file and the problem."""

    def __init__(self, file: str, problem: str):
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem

    def __reduce__(self):
        """Picklable, so it crosses Dask process boundaries intact."""
        return type(self), (self.file, self.problem)


class NoUsableVersion(SpinError):
    """A family in which no version could be analysed."""


class MissingResource(SpinError):
    """A data file spin needs at run time is missing (it never downloads one)."""
