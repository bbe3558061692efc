namespace InferenceApi.Core.Backends;

/// <summary>How to open one session of a model. Thread counts of 0 let the runtime choose.</summary>
public sealed record SessionSettings(ExecutionProvider Provider, int IntraOpThreads, int InterOpThreads, int CudaDeviceId);
