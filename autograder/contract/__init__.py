"""The small types each exercise's grader module is written with.

========================= =====================================================
module                    what it declares
========================= =====================================================
:mod:`.cases`             :class:`~.cases.Case`: one call of a task on inputs
:mod:`.figures`           :class:`~.figures.Figure`: a number the contract states
:mod:`.properties`        :class:`~.properties.Property`: a promise of the maths
:mod:`.advice`            :class:`~.advice.Advice`: a check worth 0 points
:mod:`.mistakes`          :class:`~.mistakes.Mistake`: a common mistake's variant
:mod:`.pictures`          :class:`~.pictures.Picture`: curves for the feedback
:mod:`.tolerances`        :class:`~.tolerances.Tolerance`: how close is equal
:mod:`.compare`           how two results are compared
:mod:`.calls`             a computation on a module, written as data
========================= =====================================================

They depend on nothing of a particular exercise; :mod:`autograder.course`
holds the exercises themselves.
"""
