"""Running untrusted student code: the worker, its sandbox and the channel to it.

The grader never imports a submission. A worker process imports it inside a
sandbox and answers calls over a pipe that carries plain data only
(:mod:`autograder.sandbox.codec`).
"""
