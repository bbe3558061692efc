using InferenceApi.Core.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Core.Tests.Scheduling;

/// <summary>
/// A batch runner that records every batch it is given, can hold batches at a gate so an instance stays
/// busy (and close it again), can advance a fake clock to simulate compute, and fails batches holding <see cref="FailingInput"/>.
/// Outputs are the inputs upper-cased.
/// </summary>
internal sealed class RecordingRunner : IBatchRunner<string, string>
{
    public const string FailingInput = "fail";

    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly List<(string[] Inputs, int Instance)> _batches = [];
    private readonly SemaphoreSlim _entered = new(0);
    private readonly ManualResetEventSlim _gate;
    private int _running;
    private int _maxRunning;

    public RecordingRunner(bool gated = false, FakeTimeProvider? clock = null, TimeSpan computeTime = default)
    {
        _gate = new ManualResetEventSlim(!gated);
        Clock = clock;
        ComputeTime = computeTime;
    }

    public FakeTimeProvider? Clock { get; }

    public TimeSpan ComputeTime { get; }

    public IReadOnlyList<(string[] Inputs, int Instance)> Batches
    {
        get
        {
            lock (_lock)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>Every input the runner was ever given, in order.</summary>
    public IReadOnlyList<string> AllInputs => [.. Batches.SelectMany(b => b.Inputs)];

    /// <summary>The most batches that were inside <see cref="Run"/> at the same moment.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxRunning);

    public void OpenGate() => _gate.Set();

    /// <summary>Holds the batches that enter from now on, until <see cref="OpenGate"/>.</summary>
    public void CloseGate() => _gate.Reset();

    /// <summary>Waits until <paramref name="count"/> more batches have entered <see cref="Run"/>.</summary>
    public async Task WaitForEnteredAsync(int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(await _entered.WaitAsync(SafetyTimeout), "the runner was not called");
        }
    }

    public IReadOnlyList<string> Run(IReadOnlyList<string> inputs, int instance)
    {
        lock (_lock)
        {
            _batches.Add(([.. inputs], instance));
            _running++;
            _maxRunning = Math.Max(_maxRunning, _running);
        }

        _entered.Release();
        try
        {
            if (!_gate.Wait(SafetyTimeout))
            {
                throw new TimeoutException("the test never opened the runner's gate");
            }

            if (ComputeTime > TimeSpan.Zero)
            {
                Clock!.Advance(ComputeTime);
            }

            if (inputs.Contains(FailingInput))
            {
                throw new InvalidOperationException("the runtime fell over");
            }

            return [.. inputs.Select(i => i.ToUpperInvariant())];
        }
        finally
        {
            lock (_lock)
            {
                _running--;
            }
        }
    }
}
