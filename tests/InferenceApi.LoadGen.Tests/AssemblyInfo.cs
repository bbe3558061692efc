// Timing tests measure wall-clock behaviour; running them beside each other (and beside the ceiling run) would make them flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
