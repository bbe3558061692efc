using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Tests.Generation;

public sealed class SimpleChatTemplateTests
{
    [Fact]
    public void Render_Conversation_SpeakersOnePerLineEndingWithTheAssistantCue()
    {
        var prompt = SimpleChatTemplate.Render([new ChatTurn("system", "Be brief."), new ChatTurn("user", " Hi "), new ChatTurn("assistant", "Hello."), new ChatTurn("user", "Why?")]);

        Assert.Equal("System: Be brief.\nUser: Hi\nAssistant: Hello.\nUser: Why?\nAssistant:", prompt);
    }

    [Fact]
    public void StopSequences_StopBeforeTheNextUserTurn()
    {
        Assert.Equal(["\nUser:"], SimpleChatTemplate.StopSequences);
    }
}
