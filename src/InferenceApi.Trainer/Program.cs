using InferenceApi.Trainer;
using System.Diagnostics;
using System.Globalization;
using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using TorchSharp;

// train image-classification --data FILE [--epochs N] [--seed S] --out DIR [--export DIR]
// train text-classification --data TSV --eval TSV --vocab vocab.txt [--epochs N] [--max-examples M] [--seed S] [--out DIR] [--export DIR]
try
{
    if (args is ["train", "text-generation", ..])
    {
        return TrainGeneration(args);
    }

    var options = CommandLine.Parse(args);
    switch (options.Command)
    {
        case "train image-classification":
            return TrainImages(options);
        case "train text-classification":
            return TrainText(options);
        case "train text-generation":
            return TrainGeneration(args);
        default:
            Console.Error.WriteLine("usage: InferenceApi.Trainer train image-classification --data FILE --epochs N --out DIR [--export DIR] [--seed S]");
            Console.Error.WriteLine("       InferenceApi.Trainer train text-classification --data TSV --eval TSV --vocab vocab.txt [--epochs N] [--max-examples M] [--seed S] [--out DIR] [--export DIR]");
            return 2;
    }
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException or TokenizerLoadException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static int TrainGeneration(string[] args)
{
    var values = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 2; i + 1 < args.Length; i += 2)
    {
        values[args[i].TrimStart('-')] = args[i + 1];
    }

    var data = values.GetValueOrDefault("data") ?? throw new ArgumentException("--data is required (a folder of .txt files, or files separated by commas)");
    var files = Directory.Exists(data) ? Directory.GetFiles(data, "*.txt").Order(StringComparer.Ordinal).ToList() : data.Split(',').ToList();
    var eval = values.GetValueOrDefault("eval");
    if (eval is not null)
    {
        files.RemoveAll(f => Path.GetFullPath(f) == Path.GetFullPath(eval));
    }

    int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    var sizes = new GptOptions { VocabularySize = 0 };
    var settings = new TextGenerationSettings
    {
        TrainFiles = files,
        EvalFile = eval,
        VocabularySize = Int("vocab-size", 4096),
        Sizes = sizes with
        {
            HiddenSize = Int("hidden", sizes.HiddenSize),
            Layers = Int("layers", sizes.Layers),
            Heads = Int("heads", sizes.Heads),
            IntermediateSize = Int("intermediate", sizes.IntermediateSize),
            MaxPositions = Int("max-length", sizes.MaxPositions),
        },
        MaxSteps = Int("max-steps", 2000),
        TimeLimit = values.ContainsKey("time-limit-minutes") ? TimeSpan.FromMinutes(Int("time-limit-minutes", 0)) : null,
        Seed = Int("seed", 42),
        BatchSize = Int("batch-size", 16),
        EvalEvery = Int("eval-every", 250),
        Out = values.GetValueOrDefault("out") ?? throw new ArgumentException("--out is required"),
        Export = values.GetValueOrDefault("export"),
    };
    torch.set_num_threads(Environment.ProcessorCount);
    TextGenerationRun.Run(settings, Console.Out);
    return 0;
}

static int TrainImages(CommandLine options)
{
    var output = options.Out ?? throw new ArgumentException("--out is required");
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

    Directory.CreateDirectory(output);
    model.save(Path.Combine(output, "model.bin"));
    var final = ImageClassificationTrainer.Accuracy(model, holdOut);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"final: held-out accuracy {final:P2} ({holdOut.Count} examples, stratified 20%, seed {options.Seed}), {clock.Elapsed.TotalSeconds:F1}s; checkpoint {output}"));
    if (options.Export is not null)
    {
        var diff = VitOnnxExporter.Publish(model, options.Export, holdOut);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exported {options.Export}; ONNX Runtime vs TorchSharp max abs diff {diff:E2}"));
    }

    return 0;
}

static int TrainText(CommandLine options)
{
    var vocab = options.Vocab ?? throw new ArgumentException("--vocab is required (a WordPiece vocab.txt)");
    var evalPath = options.Eval ?? throw new ArgumentException("--eval is required");
    if (!File.Exists(vocab))
    {
        throw new FileNotFoundException($"vocabulary not found: {vocab}", vocab);
    }

    if (options.Export is not null && Directory.Exists(options.Export))
    {
        throw new IOException($"export folder already exists: {Path.GetFullPath(options.Export)}");
    }

    torch.manual_seed(options.Seed);
    torch.set_num_threads(Environment.ProcessorCount);
    var bertOptions = new BertOptions { VocabularySize = 0 };
    var tokenizer = BertWordPieceTokenizer.Create(vocab, new BertTokenizerOptions { DoLowerCase = true, ModelMaxLength = bertOptions.MaxPositions });
    var train = SentimentDataset.Load(options.Data, tokenizer, bertOptions.MaxPositions);
    if (options.MaxExamples is { } max && max > 0 && max < train.Count)
    {
        train = train.Sample(max, new Random(options.Seed));
    }

    var dev = SentimentDataset.Load(evalPath, tokenizer, bertOptions.MaxPositions);
    var padId = tokenizer.PadTokenId;
    using var model = new TinyBert(bertOptions with { VocabularySize = tokenizer.VocabularySize, Dropout = options.Dropout });
    if (options.MlmSteps > 0)
    {
        var special = new HashSet<int> { padId, tokenizer.ClsTokenId, tokenizer.SepTokenId };
        var masking = new MaskingVocabulary(tokenizer.MaskTokenId, padId, special, tokenizer.VocabularySize);
        var sentences = train.Ids.DistinctBy(ids => string.Join(',', ids)).ToArray();
        using var pretrainer = new MaskedLanguageModelTrainer(model, masking, options.MlmSteps);
        var mlmRandom = new Random(options.Seed);
        double recent = 0;
        var mlmClock = Stopwatch.StartNew();
        while (pretrainer.StepsTaken < options.MlmSteps)
        {
            recent += pretrainer.Step(sentences, mlmRandom);
            if (pretrainer.StepsTaken % 500 == 0 || pretrainer.StepsTaken == options.MlmSteps)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"mlm step {pretrainer.StepsTaken}/{options.MlmSteps}  loss {recent / Math.Min(500, pretrainer.StepsTaken):F4}  ({sentences.Length} distinct sentences)  {mlmClock.Elapsed.TotalSeconds:F0}s"));
                recent = 0;
            }
        }
    }

    var trainer = new TextClassificationTrainer(model, padId, options.LearningRate);
    var random = new Random(options.Seed);
    var clock = Stopwatch.StartNew();
    for (var epoch = 1; epoch <= options.Epochs; epoch++)
    {
        var loss = trainer.TrainEpoch(train, random);
        var accuracy = TextClassificationTrainer.Accuracy(model, dev, padId);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch}/{options.Epochs}  loss {loss:F4}  eval accuracy {accuracy:P2}  {clock.Elapsed.TotalSeconds:F1}s"));
    }

    var final = TextClassificationTrainer.Accuracy(model, dev, padId);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"final: eval accuracy {final:P2} ({dev.Count} examples; trained on {train.Count}, seed {options.Seed}), {clock.Elapsed.TotalSeconds:F1}s"));
    if (options.Out is not null)
    {
        Directory.CreateDirectory(options.Out);
        model.save(Path.Combine(options.Out, "model.bin"));
    }

    if (options.Export is not null)
    {
        // Parity samples: dev sentences of different lengths, so the batch really is padded.
        var samples = dev.Ids.DistinctBy(ids => ids.Length).OrderBy(ids => ids.Length).Take(16).ToArray();
        var parity = BertOnnxExporter.Publish(model, options.Export, vocab, samples, padId);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exported {options.Export}; ONNX Runtime vs TorchSharp max abs diff {parity.OnnxVsTorch:E2}, padded vs unpadded {parity.PaddedVsUnpadded:E2}"));
    }

    return 0;
}
