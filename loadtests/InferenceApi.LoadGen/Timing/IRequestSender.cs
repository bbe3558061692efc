namespace InferenceApi.LoadGen.Timing;

/// <summary>Sends one request of a scenario. The runners time it; the sender only speaks the protocol.</summary>
public interface IRequestSender
{
    Task<ServerResponse> SendAsync(long sequence, CancellationToken cancellationToken);
}
