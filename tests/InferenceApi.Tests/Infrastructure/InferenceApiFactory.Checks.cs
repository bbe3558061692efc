using InferenceApi.Tests.KServe;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>This project's answer checks: every <c>/v2</c> answer is held to the protocol's OpenAPI schemas before a test reads it.</summary>
public partial class InferenceApiFactory
{
    static partial void AddResponseChecks(List<DelegatingHandler> checks) => checks.Add(new ProtocolCheckingHandler());
}
