using InferenceApi.Core.Generation;
using InferenceApi.Core.Tests.Tokenization;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Generation;

public sealed class ChatTemplateTests
{
    [Theory]
    [InlineData("qwen3", "<|im_end|>")]
    [InlineData("llama3", "<|eot_id|>")]
    [InlineData("gemma3", "<end_of_turn>")]
    [InlineData("llama2-spm", "</s>")]
    [InlineData("tiny-gpt-chat", "<|endoftext|>")]
    public void Load_RealTemplate_FindsTheEndOfTurnToken(string fixture, string endOfTurn)
    {
        IGenerationTokenizer tokenizer = TokenizerReferences.Tokenizer(fixture);

        ChatTemplate template = ChatTemplate.Load(TokenizerReferences.Folder(fixture), GenerationTokenizerConfig.Read(TokenizerReferences.Folder(fixture)), tokenizer, TimeProvider.System)!;

        Assert.Null(template.Unusable);
        Assert.Equal(tokenizer.TokenToId(endOfTurn), template.EndOfTurnId);
    }

    [Fact]
    public void Render_Qwen3Template_GivesChatMlWithTheGenerationPrompt()
    {
        string folder = TokenizerReferences.Folder("qwen3");
        ChatTemplate template = ChatTemplate.Load(folder, GenerationTokenizerConfig.Read(folder), TokenizerReferences.Tokenizer("qwen3"), TimeProvider.System)!;

        string prompt = template.Render([new ChatTurn("system", "Be brief."), new ChatTurn("user", "Hi")]).Value!;

        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void Render_TemplateThatRaises_IsAValidationErrorOnMessagesWithItsMessage()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(Path.Combine(folder.Path, ChatTemplate.FileName), "{{ raise_exception('Only user turns, please') }}");

        ChatTemplate template = ChatTemplate.Load(folder.Path, new GenerationTokenizerConfig(), TokenizerReferences.Tokenizer("tiny-gpt-chat"), TimeProvider.System)!;
        var rendered = template.Render([new ChatTurn("user", "Hi")]);

        Assert.False(rendered.IsSuccess);
        Assert.Equal("messages", rendered.Error!.Field);
        Assert.Contains("Only user turns, please", rendered.Error.Message);
    }

    [Fact]
    public void Load_ChatTemplateFile_WinsOverTheConfigsTemplate()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(Path.Combine(folder.Path, ChatTemplate.FileName), "file:{{ messages[0].content }}");
        var config = new GenerationTokenizerConfig { ChatTemplates = new Dictionary<string, string> { ["default"] = "config:{{ messages[0].content }}" } };

        ChatTemplate template = ChatTemplate.Load(folder.Path, config, TokenizerReferences.Tokenizer("tiny-gpt-chat"), TimeProvider.System)!;

        Assert.Equal("file:Hi", template.Render([new ChatTurn("user", "Hi")]).Value);
    }

    [Fact]
    public void Load_NoTemplate_IsNull()
    {
        using var folder = new TempDirectory();

        Assert.Null(ChatTemplate.Load(folder.Path, new GenerationTokenizerConfig(), TokenizerReferences.Tokenizer("tiny-gpt-chat"), TimeProvider.System));
    }
}
