using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// End to end with the official OpenAI client: a tiny Llama-style folder exported by the trainer, with a tokenizer.json
/// and a Jinja chat template, answers /v1/chat/completions, plain and streamed, with TorchSharp's greedy continuation of
/// the reference prompt (the chat rendered by @huggingface/jinja and tokenized by the Rust tokenizers library: the
/// committed ids of references.json), and stops at the template's end-of-turn token &lt;|eot_id|&gt; (also one of
/// generation_config.json's eos_token_id) with finish_reason "stop".
/// </summary>
public sealed class LlamaChatServingTests(LlamaChatServer server) : IClassFixture<LlamaChatServer>
{
    /// <summary>More than any taught answer, so that the end-of-turn token, not the length, ends each one.</summary>
    private const int MaxTokens = 32;

    public static TheoryData<string> Conversations() => new(ServedChat.Load(LlamaChatServer.ModelName).Select(c => c.Conversation));

    [Theory]
    [MemberData(nameof(Conversations))]
    public async Task CompleteChat_OfficialClient_AnswersTorchSharpsGreedyTokensUpToTheEndOfTurn(string conversation)
    {
        var (chat, expected) = Reference(conversation);

        var completion = (await ChatClient().CompleteChatAsync(Messages(chat), new ChatCompletionOptions { MaxOutputTokenCount = MaxTokens, Temperature = 0 })).Value;

        Assert.Equal(Text(expected), completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(chat.PromptIds.Length, completion.Usage.InputTokenCount);
        Assert.Equal(expected.Length, completion.Usage.OutputTokenCount);
    }

    [Theory]
    [MemberData(nameof(Conversations))]
    public async Task CompleteChatStreaming_OfficialClient_UpdatesJoinToTheReferenceAnswerAndStopAtTheEndOfTurn(string conversation)
    {
        var (chat, expected) = Reference(conversation);

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var options = new ChatCompletionOptions { MaxOutputTokenCount = MaxTokens, Temperature = 0 };
        await foreach (var update in ChatClient().CompleteChatStreamingAsync(Messages(chat), options))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(Text(expected), text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(chat.PromptIds.Length, usage?.InputTokenCount);
        Assert.Equal(expected.Length, usage?.OutputTokenCount);
    }

    /// <summary>The conversation and TorchSharp's greedy ids after its reference prompt ids, without a cache, up to a stop id.</summary>
    private (ServedChat Chat, int[] Completion) Reference(string conversation)
    {
        var chat = server.Chats.Single(c => c.Conversation == conversation);
        var completion = DecoderReference.GreedyInTorch(server.Model, chat.PromptIds, MaxTokens, LlamaChatServer.StopIds);

        // The fixture taught the model to end its turn; without that the test would show only the length limit.
        Assert.True(completion[^1] == LlamaChatServer.EndOfTurn, $"the reference answer does not end its turn: {string.Join(",", completion)}");
        return (chat, completion);
    }

    // The answer's text without the end-of-turn token, leading whitespace dropped as the chat endpoint drops it.
    private string Text(int[] completion) => server.Tokenizer.Decode(completion, skipSpecialTokens: true).TrimStart();

    private static ChatMessage[] Messages(ServedChat chat) =>
        [.. chat.Messages.EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString()!) switch
        {
            ("system", var content) => new SystemChatMessage(content),
            ("user", var content) => new UserChatMessage(content),
            ("assistant", var content) => (ChatMessage)new AssistantChatMessage(content),
            var (role, _) => throw new InvalidDataException($"references.json has a message role the test does not send: {role}"),
        })];

    private ChatClient ChatClient() => new(LlamaChatServer.ModelName, new ApiKeyCredential("unused"), new OpenAIClientOptions
    {
        Endpoint = new Uri(server.Client.BaseAddress!, "/v1"),
        Transport = new HttpClientPipelineTransport(server.Factory.CreateClient()),
    });
}
