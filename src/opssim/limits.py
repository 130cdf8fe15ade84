"""Defaults that the command line shows in its help before anything heavy is imported."""

#: Seconds a ``module:function`` bot may take to decide one week.
DEFAULT_TIME_LIMIT = 10.0
