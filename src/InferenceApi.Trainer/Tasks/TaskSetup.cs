using InferenceApi.Trainer.Data;

namespace InferenceApi.Trainer.Tasks;

/// <summary>What a task prepares for the shared loop: the model (fresh or from <c>--init-from</c>) and its data.</summary>
/// <param name="Validation">Carved from the training data by <c>--validation-split</c>; null (or empty) without one.</param>
/// <param name="Eval">Read from <c>--eval</c>; null without one.</param>
public sealed record TaskSetup<TModel, TData>(TModel Model, TData Train, TData? Validation, TData? Eval, DataSource Source)
    where TModel : ITaskModel
    where TData : class;
