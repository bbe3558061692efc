using System.Text.Json;
using InferenceApi.Core.Tokenization;
using InferenceApi.Tests.Infrastructure;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// A tiny Llama-style chat model as one arrives: the graph our exporter writes for a TinyLlama over the trimmed Llama 3
/// vocabulary, with that vocabulary's <c>tokenizer.json</c> and <c>tokenizer_config.json</c> (its Jinja chat template)
/// from tests/fixtures/tokenizers/llama3 and a <c>generation_config.json</c> that stops at &lt;|end_of_text|&gt; and
/// &lt;|eot_id|&gt;; served by the real server. The model is taught (a few seconds) to answer each conversation the
/// test sends and end its turn with &lt;|eot_id|&gt;, so that stopping at the end-of-turn token is exercised, not only
/// the length limit. The TorchSharp model is kept for the reference tokens.
/// </summary>
public sealed class LlamaChatServer : IAsyncLifetime
{
    public const string ModelName = "tiny-llama-chat";

    private const string TokenizerFixture = "llama3";

    /// <summary>The trimmed Llama 3 vocabulary: 3,111 BPE tokens and 256 added ones (&lt;|begin_of_text|&gt; = 3111 … &lt;|eot_id|&gt; = 3120).</summary>
    private const int Vocabulary = 3367;

    private const int EndOfText = 3112;

    /// <summary>What the model is taught to answer; the tests compare the server with TorchSharp, not with these texts.</summary>
    private static readonly Dictionary<string, string> Answers = new()
    {
        ["system-user"] = "The capital of France is Paris.",
        ["multi-turn"] = "Why did the scarecrow win? He was outstanding in his field.",
        ["whitespace-unicode"] = "東京 is Tokyo 😀",
    };

    public static int EndOfTurn => 3120;

    public static IReadOnlySet<int> StopIds { get; } = new HashSet<int> { EndOfText, EndOfTurn };

    public InferenceApiFactory Factory { get; } = new InferenceApiFactory().With("Cache:Enabled", "false");

    public HttpClient Client { get; private set; } = null!;

    public TinyLlama Model { get; private set; } = null!;

    public IGenerationTokenizer Tokenizer { get; private set; } = null!;

    /// <summary>The conversations the tests send, with the reference prompt ids (tests/fixtures/chat-templates/references.json, "served").</summary>
    public IReadOnlyList<ServedChat> Chats { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var fixture = Path.Combine(TestPaths.TokenizerFixturesDirectory, TokenizerFixture);
        Tokenizer = GenerationTokenizerLoader.Load(fixture, GenerationTokenizerConfig.Read(fixture));
        Chats = ServedChat.Load(ModelName);
        Model = TinyLlamas.TrainedOn(
            [.. Chats.Select(c => (int[])[.. c.PromptIds, .. Tokenizer.EncodePrompt(Answers[c.Conversation], 64, truncate: false, addSpecialTokens: false).Ids, EndOfTurn])],
            Vocabulary, padId: EndOfText);

        var folder = Path.Combine(Factory.Models.Path, ModelName);
        using (var chapter = new ChapterTokenizer())
        {
            // The exporter writes the trainer's vocab.json and merges.txt (the chapter's: ids below 3367 as the graph
            // needs); the folder's tokenizer.json replaces them, as an optimum export brings its own.
            LlamaOnnxExporter.Publish(Model, folder, chapter.Directory, [.. Chats.Select(c => c.PromptIds)], EndOfText);
        }

        File.Delete(Path.Combine(folder, Gpt2TokenizerLoader.VocabularyFileName));
        File.Delete(Path.Combine(folder, Gpt2TokenizerLoader.MergesFileName));
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(fixture, file), Path.Combine(folder, file), overwrite: true);
        }

        File.WriteAllText(Path.Combine(folder, "generation_config.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bos_token_id"] = 3111,
            ["eos_token_id"] = StopIds.Order().ToArray(),
        }));
        Client = await Factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Model.Dispose();
    }
}
