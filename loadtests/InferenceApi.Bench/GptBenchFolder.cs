using System.Text;
using System.Text.Json;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Bench;

/// <summary>
/// The generate scenario's model: a random-weight GPT of realistic shape (6 layers, hidden 512, 8 heads, MLP 2048,
/// GPT-2's 50,257 tokens and 1,024 positions), exported with past by the trainer's own exporter (parity checked) into a
/// temporary text-generation folder. The vocabulary is GPT-2's byte alphabet, made-up filler tokens and
/// <c>&lt;|endoftext|&gt;</c> last; there are no merges, so the prompt is one token per character. The end-of-text row
/// of the (tied) embedding is zeroed so its logit is exactly 0 and greedy decoding never stops early: every request
/// yields its full <c>max_new_tokens</c>, as the raw loop does.
/// </summary>
internal sealed class GptBenchFolder : IDisposable
{
    /// <summary>The request prompt: 16 characters, 16 tokens.</summary>
    public const string Prompt = "Once upon a time";

    private readonly string _root;

    private GptBenchFolder(string root, string folder, long[] promptIds, int layers)
    {
        _root = root;
        Folder = folder;
        PromptIds = promptIds;
        Layers = layers;
    }

    public static GptOptions Options { get; } = new()
    {
        VocabularySize = 50257, MaxPositions = 1024, HiddenSize = 512, Layers = 6, Heads = 8, IntermediateSize = 2048, Dropout = 0,
    };

    /// <summary>The model folder (named <c>gpt</c>), to copy into a server's models root.</summary>
    public string Folder { get; }

    /// <summary>The ids the server's tokenizer gives <see cref="Prompt"/>, for the raw loops.</summary>
    public long[] PromptIds { get; }

    public int Layers { get; }

    public static GptBenchFolder Create(int seed = 1)
    {
        var options = Options;
        var root = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-gpt-" + Guid.NewGuid().ToString("N"));
        var tokenizer = Path.Combine(root, "tokenizer");
        Directory.CreateDirectory(tokenizer);
        var alphabet = ByteAlphabet();
        var vocabulary = new Dictionary<string, int>();
        foreach (var symbol in alphabet)
        {
            vocabulary[symbol] = vocabulary.Count;
        }

        while (vocabulary.Count < options.VocabularySize - 1)
        {
            vocabulary["w" + vocabulary.Count] = vocabulary.Count;
        }

        var endOfText = vocabulary.Count;
        vocabulary["<|endoftext|>"] = endOfText;
        File.WriteAllText(Path.Combine(tokenizer, "vocab.json"), JsonSerializer.Serialize(vocabulary));
        File.WriteAllText(Path.Combine(tokenizer, "merges.txt"), "#version: 0.2\n");

        var promptIds = Encoding.UTF8.GetBytes(Prompt).Select(b => (long)vocabulary[alphabet[b]]).ToArray();
        manual_seed(seed);
        using var model = new TinyGpt(options);
        model.eval();
        using (no_grad())
        {
            model.TokenEmbeddings.weight![endOfText].zero_();
        }

        var folder = Path.Combine(root, "gpt");
        int[][] prompts = [promptIds.Select(i => (int)i).ToArray(), promptIds[..5].Select(i => (int)i).ToArray()];
        GptOnnxExporter.Publish(model, folder, tokenizer, prompts, endOfText);
        return new GptBenchFolder(root, folder, promptIds, options.Layers);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>GPT-2's <c>bytes_to_unicode</c>: printable bytes stand for themselves, the others for 256 + n in order.</summary>
    private static string[] ByteAlphabet()
    {
        var symbols = new string[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            symbols[b] = ((char)(printable ? b : next++)).ToString();
        }

        return symbols;
    }
}
