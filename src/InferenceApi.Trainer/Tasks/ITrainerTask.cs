using System.CommandLine;
using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Training;

namespace InferenceApi.Trainer.Tasks;

/// <summary>
/// A task the CLI can train, evaluate and export (<c>train NAME</c>, and <c>eval</c>/<c>export</c> of checkpoints
/// whose trainer.json says NAME). Implement it by deriving from <see cref="TrainerTask{TModel, TData}"/> and add the
/// instance to <see cref="TrainerTasks.All"/>; the command line, progress, validation, early stopping, checkpoints,
/// metrics and error handling come with it.
/// </summary>
public interface ITrainerTask
{
    /// <summary>The <c>export</c> flag that asks for a model's encoder without its head (text classifiers only).</summary>
    const string EmbeddingsOption = "--embeddings";

    /// <summary>The <c>export</c> flag that asks for float16 weights, cache and logits (Llama-style text generators only).</summary>
    const string Float16Option = "--fp16";

    /// <summary>The <c>train</c> sub-command and trainer.json's <c>task</c>, e.g. <c>text-classification</c>.</summary>
    string Name { get; }

    string Description { get; }

    TaskDefaults Defaults { get; }

    /// <summary>Options only <c>train NAME</c> takes (tokenizer, model sizes…).</summary>
    IReadOnlyList<Option> TrainOptions { get; }

    /// <summary>Options that say how to read a data file; <c>eval</c> and <c>export</c> take them too. Same name, same meaning across tasks.</summary>
    IReadOnlyList<Option> DataOptions { get; }

    TrainingReport Train(ParseResult parse, TrainingSettings settings, ITrainingConsole console);

    /// <param name="checkpoints">One checkpoint of this task, or several to evaluate as an ensemble (where the task has one).</param>
    /// <param name="int8">Also evaluate the int8 graph <c>export --quantize int8</c> writes (classifiers), under ONNX Runtime.</param>
    EvaluationReport Evaluate(IReadOnlyList<Checkpoint> checkpoints, ParseResult parse, string dataPath, int batchSize, bool int8 = false);

    /// <param name="checkpoints">One checkpoint of this task, or several to export as one ensemble model (where the task has one).</param>
    /// <param name="samplesPath">A data file whose examples feed the parity check; null makes seeded synthetic ones.</param>
    ExportReport Export(IReadOnlyList<Checkpoint> checkpoints, ParseResult parse, string target, string? samplesPath, ExportSettings settings);
}
