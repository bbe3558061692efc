using InferenceApi.Core.Templating;

namespace InferenceApi.Core.Tests.Templating;

/// <summary>What the reference snippets do not cover: bounds, error kinds and where Python's meaning is kept.</summary>
public sealed class JinjaTemplateTests
{
    [Fact]
    public void Render_OutputPastTheBound_IsTooLarge()
    {
        var template = JinjaTemplate.Parse("{% for i in range(100) %}0123456789{% endfor %}");

        var error = Assert.Throws<TemplateException>(() => template.Render(new JinjaContext(), maxOutputLength: 999));

        Assert.Equal(TemplateErrorKind.TooLarge, error.Kind);
        Assert.Equal(1000, template.Render(new JinjaContext(), maxOutputLength: 1000).Length);
    }

    [Fact]
    public void Render_LoopsPastTheBound_IsTooLarge()
    {
        var template = JinjaTemplate.Parse("{% for i in range(50) %}{% for j in range(50) %}{% endfor %}{% endfor %}");

        var error = Assert.Throws<TemplateException>(() => template.Render(new JinjaContext(), maxIterations: 2549));

        Assert.Equal(TemplateErrorKind.TooLarge, error.Kind);
        Assert.Equal(string.Empty, template.Render(new JinjaContext(), maxIterations: 2550));
    }

    [Fact]
    public void Render_HugeRange_IsRefusedBeforeItIsBuilt()
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse("{{ range(1000000000) | length }}").Render(new JinjaContext()));

        Assert.Equal(TemplateErrorKind.TooLarge, error.Kind);
    }

    [Theory]
    [InlineData("{% include 'x' %}", TemplateErrorKind.Unsupported, "{% include %} tag is not supported")]
    [InlineData("{{ x | frobnicate }}", TemplateErrorKind.Unsupported, "the filter 'frobnicate' is not supported")]
    [InlineData("line one\n{% if %}", TemplateErrorKind.Syntax, "line 2:")]
    [InlineData("{% for x in y %}never closed", TemplateErrorKind.Syntax, "never closed with {% endfor %}")]
    [InlineData("{{ 'a' + 1 }}", TemplateErrorKind.Runtime, "unsupported operand for '+'")]
    [InlineData("{{ lipsum(3) }}", TemplateErrorKind.Unsupported, "'lipsum' is not a function this renderer knows")]
    public void ParseOrRender_TemplateItCannotRun_SaysWhyAndWhere(string source, TemplateErrorKind kind, string message)
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(source).Render(new JinjaContext()));

        Assert.Equal(kind, error.Kind);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("{{ 'xxhixx'.strip('x') }}", "hi")]
    [InlineData("{{ -7 // 2 }} {{ -7 % 3 }}", "-4 2")]
    [InlineData("{{ 'a b  c'.split(' ') | length }}", "4")]
    [InlineData("{{ 'a,b,c'.split(',', 1) | last }}", "b,c")]
    public void Render_PythonSemantics_AreKept(string source, string expected)
    {
        Assert.Equal(expected, JinjaTemplate.Parse(source).Render(new JinjaContext()));
    }

    [Fact]
    public void Render_StrftimeNow_ReadsTheGivenClock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2024, 7, 26, 0, 0, 0, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);

        string today = JinjaTemplate.Parse("{{ strftime_now('%d %b %Y') }}").Render(new JinjaContext(time));

        Assert.Equal("26 Jul 2024", today);
    }
}
