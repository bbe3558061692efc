using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tests.Generation;

/// <summary>
/// A decoder session that runs one step each time the test allows it and records each step's batch size,
/// so scheduling can be checked step by step without timing. It can also be told to fail the next step.
/// </summary>
internal sealed class GatedDecoderSession : IDecoderSession
{
    private readonly SemaphoreSlim _gate = new(0);
    private readonly SemaphoreSlim _stepped = new(0);
    private volatile bool _free;
    private int _atGate;

    public string Placement => "test";

    public DecoderShape Shape { get; } = DecoderShape.Uniform(1, 1, 1, 4);

    public List<int> BatchSizes { get; } = [];

    public bool FailNext { get; set; }

    public void Run(DecoderStep step)
    {
        if (!_free)
        {
            Interlocked.Increment(ref _atGate);
            _gate.Wait(TimeSpan.FromSeconds(10));
            Interlocked.Decrement(ref _atGate);
        }

        try
        {
            if (FailNext)
            {
                FailNext = false;
                throw new BackendException("injected failure");
            }

            lock (BatchSizes)
            {
                BatchSizes.Add(step.Batch);
            }

            Array.Clear(step.LastLogits, 0, step.Batch * Shape.VocabularySize);
        }
        finally
        {
            _stepped.Release();
        }
    }

    /// <summary>Lets one step run and waits until it has.</summary>
    public async Task StepAsync()
    {
        _gate.Release();
        Assert.True(await _stepped.WaitAsync(TimeSpan.FromSeconds(10)), "The scheduler did not run a step.");
    }

    /// <summary>
    /// Waits until the scheduler has assembled its next step and waits at the gate with it, so whatever the test queues
    /// now can only join a later step.
    /// </summary>
    public async Task WaitUntilAtGateAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref _atGate) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The scheduler never reached its next step.");
            await Task.Delay(1);
        }
    }

    /// <summary>Lets every further step run at once, so a test can end with work still queued.</summary>
    public void RunFreely()
    {
        _free = true;
        _gate.Release();
    }

    public void Dispose()
    {
        _gate.Release(1000);
        _gate.Dispose();
        _stepped.Dispose();
    }
}
