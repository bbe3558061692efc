using System.Net;
using InferenceApi.Core.Models;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.KServe;

/// <summary>KServe v2 health while the server drains: live stays true, ready turns false (4xx, as the protocol says), inference answers 503.</summary>
public sealed class KServeV2DrainTests : SingleModelServer
{
    [Fact]
    public async Task Draining_ReadyIsFalseAndInferAnswers503WithRetryAfter()
    {
        await Factory.Services.GetRequiredService<ModelRepository>().DrainAsync();

        using var live = await Client.GetAsync("/v2/health/live");
        using var ready = await Client.GetAsync("/v2/health/ready");
        using var modelReady = await Client.GetAsync("/v2/models/tiny-bert-cls/ready");
        using var infer = await Client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", KServeAssertions.TextRequest(["late work"]));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, ready.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, modelReady.StatusCode);
        Assert.Equal(string.Empty, await ready.Content.ReadAsStringAsync());
        Assert.Equal(string.Empty, await modelReady.Content.ReadAsStringAsync());
        await infer.AssertKServeErrorAsync(HttpStatusCode.ServiceUnavailable, "shutting down");
        Assert.Equal("1", infer.Header("Retry-After"));
    }
}
