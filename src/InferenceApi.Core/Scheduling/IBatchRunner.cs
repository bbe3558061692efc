namespace InferenceApi.Core.Scheduling;

/// <summary>Runs one batch on one model instance and returns one output per input, in order.</summary>
public interface IBatchRunner<TInput, TOutput>
{
    IReadOnlyList<TOutput> Run(IReadOnlyList<TInput> inputs, int instance);
}
