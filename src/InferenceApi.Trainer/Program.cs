using InferenceApi.Trainer;
using System.Diagnostics;
using System.Globalization;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using TorchSharp;

// train image-classification --data FILE [--epochs N] [--seed S] --out DIR [--export DIR]
try
{
    var options = CommandLine.Parse(args);
    if (options.Command != "train image-classification")
    {
        Console.Error.WriteLine("usage: InferenceApi.Trainer train image-classification --data FILE --epochs N --out DIR [--export DIR] [--seed S]");
        return 2;
    }

    torch.manual_seed(options.Seed);
    torch.set_num_threads(Environment.ProcessorCount);
    var (train, holdOut) = DigitsDataset.Load(options.Data).StratifiedSplit(0.2, options.Seed);
    using var model = new TinyVit(new VitOptions());
    var trainer = new ImageClassificationTrainer(model);
    var random = new Random(options.Seed);
    var clock = Stopwatch.StartNew();
    for (var epoch = 1; epoch <= options.Epochs; epoch++)
    {
        var loss = trainer.TrainEpoch(train, random);
        var accuracy = ImageClassificationTrainer.Accuracy(model, holdOut);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}/{options.Epochs}  loss {loss:F4}  held-out accuracy {accuracy:P2}  {clock.Elapsed.TotalSeconds:F1}s"));
    }

    Directory.CreateDirectory(options.Out);
    model.save(Path.Combine(options.Out, "model.bin"));
    var final = ImageClassificationTrainer.Accuracy(model, holdOut);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"final: held-out accuracy {final:P2} ({holdOut.Count} examples, stratified 20%, seed {options.Seed}), {clock.Elapsed.TotalSeconds:F1}s; checkpoint {options.Out}"));
    if (options.Export is not null)
    {
        var diff = VitOnnxExporter.Publish(model, options.Export, holdOut);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exported {options.Export}; ONNX Runtime vs TorchSharp max abs diff {diff:E2}"));
    }

    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
