using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Scenarios;

/// <summary>GET one path (the `health` scenario: /health/ready); also what the ceiling measurement sends.</summary>
public sealed class GetScenario(HttpClient client, string path) : IRequestSender
{
    public async Task<ServerResponse> SendAsync(long sequence, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await HttpOutcome.SendAsync(client, request, cancellationToken).ConfigureAwait(false);
    }
}
