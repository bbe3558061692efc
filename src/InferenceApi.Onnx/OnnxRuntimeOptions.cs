using System.ComponentModel.DataAnnotations;

namespace InferenceApi.Onnx;

/// <summary>
/// ONNX Runtime's threads for the whole process, and the kernels its int8 models get (section <c>OnnxRuntime</c>). ONNX
/// Runtime's environment is created once per process, so these apply from the first session opened and cannot change
/// while the server runs.
/// </summary>
public sealed class OnnxRuntimeOptions
{
    public const string Section = "OnnxRuntime";

    /// <summary>
    /// One intra-op thread pool shared by every loaded session (ONNX Runtime's global thread pool). Default true:
    /// with a pool per session, each loaded model starts its own set of threads as large as the machine, so two models
    /// busy at once run twice as many threads as cores and slow each other down. A model whose
    /// <c>IntraOpThreads</c> (Models:Defaults or its inference.json) is above 0, or whose <c>InterOpThreads</c> is
    /// above 1, still gets its own pool.
    /// </summary>
    public bool SharedThreadPool { get; set; } = true;

    /// <summary>
    /// Threads in the shared pool, and in a session's own pool when its settings leave the count at 0. Default 0:
    /// the cores this process may use (<see cref="Environment.ProcessorCount"/>, which honours container CPU limits,
    /// unlike ONNX Runtime's own default of the machine's physical cores).
    /// </summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Whether idle pool threads spin a while before sleeping (ONNX Runtime's <c>allow_spinning</c>). Default false.
    /// Spinning makes one Run on an otherwise idle machine faster (operators hand work to threads that are awake), but
    /// a server's cores also carry HTTP, JSON and tokenization, and threads spinning between Runs take them: on 2 cores,
    /// 32 clients got 698–1,304 req/s with it on (bimodal from run to run) against 1,205–1,216 with it off, and the
    /// benchmark's BERT-mini 281 against 365–378 req/s (loadtests/README.md). Turn it on for a machine with cores to
    /// spare and latency of single requests as the goal; a model on its own pool (<c>IntraOpThreads</c> above 0) then
    /// spins only within its Runs.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// Whether a generation model's decode loop gets a pool of its own whose threads spin within each step's Run and
    /// sleep between them (<c>session.force_spinning_stop</c>; the shared pool cannot stop after a Run). Default false.
    /// A decode loop runs step after step from one thread, each step a hundred or more operators handing work to the
    /// pool, and threads that sleep between operators wake late: with only generation running, 16 streams on the
    /// benchmark's GPT got 5–6 % more tokens/s with it on 2 cores. But its pool then competes with the shared one, and
    /// spinning threads waste a core whenever the other pool needs it: with a classifier busy at the same time,
    /// generation got a fifth fewer tokens/s and classification 5 % fewer requests (loadtests/README.md). Turn it on
    /// for a server that only generates.
    /// </summary>
    public bool DecoderSpinning { get; set; }

    /// <summary>
    /// Which kernels multiply an int8 model's activations by its weights. Default <see cref="Onnx.Int8Precision.Auto"/>:
    /// on an x86 CPU without VNNI, ONNX Runtime's fast kernels saturate and an int8 model answers differently than it
    /// does elsewhere, so there the sessions use its exact ones (<see cref="Int8Kernels"/>). Float models are unaffected.
    /// </summary>
    [EnumDataType(typeof(Int8Precision))]
    public Int8Precision Int8Precision { get; set; }

    /// <summary>The intra-op thread count this resolves to.</summary>
    public int ResolvedIntraOpThreads => IntraOpThreads > 0 ? IntraOpThreads : Environment.ProcessorCount;
}
