using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Google.Protobuf;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Training;
using TorchSharp;

namespace InferenceApi.Trainer.Tasks;

/// <summary>
/// The one class a task writes. It says how to read data, build, train-step, evaluate, describe, reload and export
/// its model; this base runs the shared flow around it: seed, <c>--init-from</c>, the <see cref="TrainingLoop"/>
/// (progress, validation, best epoch, early stopping, limits), the checkpoint folder and the export.
/// </summary>
/// <typeparam name="TModel">The model with its label names and tokenizer (e.g. <see cref="TextClassifier"/>).</typeparam>
/// <typeparam name="TData">The task's data set (e.g. <see cref="TextClassificationDataset"/>).</typeparam>
public abstract class TrainerTask<TModel, TData> : ITrainerTask
    where TModel : class, ITaskModel
    where TData : class, IExampleSet<TData>
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract TaskDefaults Defaults { get; }

    /// <summary>The metric that picks the kept epoch and drives <c>--patience</c>.</summary>
    public abstract MetricGoal Goal { get; }

    public abstract IReadOnlyList<Option> TrainOptions { get; }

    public virtual IReadOnlyList<Option> DataOptions => [];

    public TrainingReport Train(ParseResult parse, TrainingSettings settings, ITrainingConsole console)
    {
        torch.manual_seed(settings.Seed);
        var initFrom = settings.InitFrom is { } path ? OpenCheckpoint(path) : null;
        var setup = Prepare(parse, settings, initFrom, console);
        using var model = setup.Model;
        if (setup.Train.Count == 0)
        {
            throw new InvalidDataException($"{setup.Source.Path}: no training examples left after --validation-split {settings.ValidationSplit}");
        }

        var validation = setup.Validation is { Count: > 0 } v ? v : null;
        if (setup.Validation is { Count: 0 } && settings.Selection == CheckpointSelection.Validation)
        {
            throw new UsageException($"--validation-split {settings.ValidationSplit} leaves no validation examples from {setup.Source.Examples}; raise it or pass --validation-split 0");
        }

        var trainer = CreateTrainer(model, settings);
        var outcome = console.WithProgress(progress => new TrainingLoop(settings, Goal, progress)
            .Run(model.Module, trainer, data => Evaluate(model, data, settings.BatchSize), setup.Train, validation, setup.Eval));
        var data = new DataSummary(setup.Source.Path, setup.Source.Format, setup.Source.Examples, setup.Train.Count, validation?.Count ?? 0,
            settings.EvalPath is null ? null : Path.GetFullPath(settings.EvalPath), setup.Eval?.Count, setup.Source.Labels);
        var report = new TrainingReport(Name, data, settings, Goal, outcome);
        if (settings.OutputPath is { } output)
        {
            Checkpoint.Write(output, Name, model.Module, Describe(model), MetricsJson.Training(report), folder => WriteFiles(model, folder));
            report = report with { Checkpoint = Path.GetFullPath(output) };
        }

        if (settings.ExportPath is { } export)
        {
            report = report with { Export = Export(model, export, setup.Eval ?? validation ?? setup.Train, new ExportSettings(settings.ExportTolerance)) };
        }

        return report;
    }

    public EvaluationReport Evaluate(IReadOnlyList<Checkpoint> checkpoints, ParseResult parse, string dataPath, int batchSize, bool int8 = false)
    {
        var clock = Stopwatch.StartNew();
        using var models = LoadAll(checkpoints);
        var data = ReadData(models[0], parse, dataPath);
        var evaluation = models.Count == 1 ? Evaluate(models[0], data, batchSize) : EvaluateEnsemble(models, data, batchSize);
        var quantized = int8 ? EvaluateInt8(models, data, batchSize) : null;
        return new EvaluationReport(Name, Checkpoint.Names(checkpoints), Path.GetFullPath(dataPath), evaluation, clock.Elapsed) { Int8 = quantized };
    }

    /// <summary>The metrics of the int8 graph <c>export --quantize int8</c> would write, run by ONNX Runtime on the same data.</summary>
    private Evaluation EvaluateInt8(IReadOnlyList<TModel> models, TData data, int batchSize)
    {
        ModelProto graph;
        using (torch.NewDisposeScope())
        {
            graph = Graph(models) ?? throw new UsageException($"--quantize int8 evaluates a classifier's int8 graph; {Name} has none here");
        }

        return EvaluateOnnx(OnnxInt8Quantizer.Quantize(graph).ToByteArray(), models[0], data, Math.Max(batchSize, ClassificationEvaluation.DefaultBatchSize));
    }

    public ExportReport Export(IReadOnlyList<Checkpoint> checkpoints, ParseResult parse, string target, string? samplesPath, ExportSettings settings)
    {
        ModelFolderPublisher.Target(target);
        var embeddings = parse.GetValue<bool>(ITrainerTask.EmbeddingsOption);
        if (embeddings && checkpoints.Count > 1)
        {
            throw new UsageException($"{ITrainerTask.EmbeddingsOption} exports one checkpoint's encoder; {checkpoints.Count} were given");
        }

        var half = parse.GetValue<bool>(ITrainerTask.Float16Option);
        if (half && (checkpoints.Count > 1 || embeddings || settings.Int8))
        {
            throw new UsageException($"{ITrainerTask.Float16Option} exports one checkpoint's whole model in float16, without --quantize int8 or {ITrainerTask.EmbeddingsOption}");
        }

        using var models = LoadAll(checkpoints);
        var samples = samplesPath is null ? null : ReadData(models[0], parse, samplesPath);
        return models.Count > 1 ? ExportEnsemble(models, target, samples, settings)
            : embeddings ? ExportEncoder(models[0], target, samples, settings)
            : half ? ExportFloat16(models[0], target, samples, settings)
            : Export(models[0], target, samples, settings);
    }


    /// <summary>
    /// Reads the training data (<c>--data</c>, <c>--max-examples</c>), carves the validation split, reads
    /// <c>--eval</c>, and builds the model: fresh (torch is already seeded), or from <paramref name="initFrom"/>.
    /// </summary>
    protected abstract TaskSetup<TModel, TData> Prepare(ParseResult parse, TrainingSettings settings, Checkpoint? initFrom, ITrainingConsole console);

    /// <summary>The optimizer step (usually a <see cref="StepTrainer{TData}"/> around the task's loss).</summary>
    protected abstract IStepTrainer<TData> CreateTrainer(TModel model, TrainingSettings settings);

    /// <summary>Loss and the task's metrics (including <see cref="Goal"/>'s) on <paramref name="data"/>.</summary>
    /// <param name="batchSize">The training batch size during <c>train</c>, <c>--batch-size</c> for <c>eval</c>; a task may use more (no gradients are kept).</param>
    protected abstract Evaluation Evaluate(TModel model, TData data, int batchSize);

    /// <summary>trainer.json's "model": everything <see cref="Load"/> needs besides model.bin and the files <see cref="WriteFiles"/> writes.</summary>
    protected abstract JsonNode Describe(TModel model);

    /// <summary>Copies the tokenizer files (or whatever else the model needs) into a checkpoint folder.</summary>
    protected abstract void WriteFiles(TModel model, string folder);

    /// <summary>Rebuilds the model a checkpoint of this task holds.</summary>
    protected abstract TModel Load(Checkpoint checkpoint);

    /// <summary>Reads a data file the way <paramref name="model"/> was trained (its labels, tokenizer, columns), for <c>eval</c> and export samples.</summary>
    protected abstract TData ReadData(TModel model, ParseResult parse, string path);

    /// <summary>Publishes the ONNX model folder after its parity check; <paramref name="samples"/> null means synthetic inputs.</summary>
    protected abstract ExportReport Export(TModel model, string folder, TData? samples, ExportSettings settings);

    /// <summary>The float32 ONNX graph of one model, or of several as an ensemble, as the export writes it; null when the task has no graph to evaluate.</summary>
    protected virtual ModelProto? Graph(IReadOnlyList<TModel> models) => null;

    /// <summary>Loss and metrics of an ONNX graph of <paramref name="model"/> (or of its ensemble) on <paramref name="data"/>, under ONNX Runtime.</summary>
    protected virtual Evaluation EvaluateOnnx(byte[] onnx, TModel model, TData data, int batchSize) =>
        throw new UsageException($"{Name} has no ONNX evaluation");

    /// <summary>Loss and metrics of several models of this task averaged into one; only tasks with ensembles have it.</summary>
    protected virtual Evaluation EvaluateEnsemble(IReadOnlyList<TModel> members, TData data, int batchSize) =>
        throw new UsageException(NoEnsemble(members.Count));

    /// <summary>Publishes several models of this task as one averaged model, after its parity check; only tasks with ensembles have it.</summary>
    protected virtual ExportReport ExportEnsemble(IReadOnlyList<TModel> members, string folder, TData? samples, ExportSettings settings) =>
        throw new UsageException(NoEnsemble(members.Count));

    /// <summary>Publishes the model's encoder without its head, for the embeddings endpoints; only tasks with an encoder have one.</summary>
    protected virtual ExportReport ExportEncoder(TModel model, string folder, TData? samples, ExportSettings settings) =>
        throw new UsageException($"{ITrainerTask.EmbeddingsOption} exports a text classifier's encoder; a {Name} checkpoint has none");

    /// <summary>Publishes the model with float16 weights, cache and logits; only Llama-style text generators have it.</summary>
    protected virtual ExportReport ExportFloat16(TModel model, string folder, TData? samples, ExportSettings settings) =>
        throw new UsageException($"{ITrainerTask.Float16Option} exports a Llama-style text generator in float16; a {Name} checkpoint exports in float32");

    private string NoEnsemble(int count) =>
        $"{count} checkpoints make an ensemble, which text-classification supports and {Name} does not; give one --checkpoint";

    /// <summary>Loads every checkpoint; all are disposed together, and none is left loaded if one fails.</summary>
    private Loaded LoadAll(IReadOnlyList<Checkpoint> checkpoints)
    {
        var loaded = new Loaded();
        try
        {
            foreach (var checkpoint in checkpoints)
            {
                loaded.Add(Load(checkpoint));
            }

            return loaded;
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    private sealed class Loaded : List<TModel>, IDisposable
    {
        public void Dispose() => ForEach(model => model.Dispose());
    }

    /// <summary>Opens a checkpoint and checks it was written by this task.</summary>
    protected Checkpoint OpenCheckpoint(string folder)
    {
        var checkpoint = Checkpoint.Open(folder);
        return checkpoint.Task == Name ? checkpoint
            : throw new UsageException($"{checkpoint.Directory} holds a {checkpoint.Task} model; train {Name} cannot start from it");
    }

    /// <summary>Throws when an architecture option was given together with <c>--init-from</c> (the checkpoint fixes the architecture).</summary>
    protected static void RejectWithInitFrom(ParseResult parse, params Option[] options)
    {
        foreach (var option in options)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new UsageException($"{option.Name} cannot be combined with --init-from: the checkpoint fixes it");
            }
        }
    }
}
