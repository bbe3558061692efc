using Grpc.Core;
using InferenceApi.Core.Errors;
using InferenceApi.Errors;

namespace InferenceApi.Tests.Errors;

public sealed class ErrorTableTests
{
    public static TheoryData<ErrorKind> Kinds() => new(Enum.GetValues<ErrorKind>());

    [Theory]
    [InlineData(ErrorKind.Validation, 400, "validation", "invalid_request_error", "validation", StatusCode.InvalidArgument)]
    [InlineData(ErrorKind.NotFound, 404, "not_found", "invalid_request_error", "model_not_found", StatusCode.NotFound)]
    [InlineData(ErrorKind.MethodNotAllowed, 405, "method_not_allowed", "invalid_request_error", "method_not_allowed", StatusCode.Unimplemented)]
    [InlineData(ErrorKind.PayloadTooLarge, 413, "payload_too_large", "invalid_request_error", "payload_too_large", StatusCode.ResourceExhausted)]
    [InlineData(ErrorKind.InputTooLong, 422, "input_too_long", "invalid_request_error", "context_length_exceeded", StatusCode.InvalidArgument)]
    [InlineData(ErrorKind.Overloaded, 429, "overloaded", "rate_limit_error", "overloaded", StatusCode.ResourceExhausted)]
    [InlineData(ErrorKind.ModelNotReady, 503, "model_not_ready", "service_unavailable_error", "model_not_ready", StatusCode.Unavailable)]
    [InlineData(ErrorKind.Draining, 503, "draining", "service_unavailable_error", "draining", StatusCode.Unavailable)]
    [InlineData(ErrorKind.DeadlineExceeded, 504, "deadline_exceeded", "server_error", "deadline_exceeded", StatusCode.DeadlineExceeded)]
    [InlineData(ErrorKind.Backend, 500, "backend", "server_error", "backend", StatusCode.Internal)]
    [InlineData(ErrorKind.Internal, 500, "internal", "server_error", "internal", StatusCode.Internal)]
    public void Of_Kind_GivesEveryProtocolsAnswer(ErrorKind kind, int status, string type, string openAiType, string openAiCode, StatusCode grpc)
    {
        var spec = ErrorTable.Of(kind);

        Assert.Equal((status, type, openAiType, openAiCode, grpc), (spec.Status, spec.Type, spec.OpenAiType, spec.Code, spec.Grpc));
    }

    [Fact]
    public void Of_EveryKind_HasItsOwnType()
    {
        var types = Enum.GetValues<ErrorKind>().Select(k => ErrorTable.Of(k).Type).ToList();

        Assert.Equal(types.Count, types.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void KindOf_StatusOfAKind_GivesAKindAnsweredWithTheSameStatus(ErrorKind kind)
    {
        var status = ErrorTable.Of(kind).Status;

        Assert.Equal(status, ErrorTable.Of(ErrorTable.KindOf(status)).Status);
    }

    [Theory]
    [InlineData(404, ErrorKind.NotFound)]
    [InlineData(405, ErrorKind.MethodNotAllowed)]
    [InlineData(415, ErrorKind.UnsupportedMediaType)]
    [InlineData(503, ErrorKind.ModelNotReady)]
    [InlineData(418, ErrorKind.Internal)]
    public void KindOf_FrameworkStatus_IsTheFirstKindOfThatStatus(int status, ErrorKind kind)
    {
        Assert.Equal(kind, ErrorTable.KindOf(status));
    }

    [Theory]
    [InlineData(0.2, "1")]
    [InlineData(1.0, "1")]
    [InlineData(2.1, "3")]
    public void WriteHeaders_RetryAfter_IsWholeSecondsRoundedUp(double seconds, string header)
    {
        var response = new Microsoft.AspNetCore.Http.DefaultHttpContext().Response;

        ErrorTable.WriteHeaders(response, new InferenceError(ErrorKind.Overloaded, "full") { RetryAfter = TimeSpan.FromSeconds(seconds) });

        Assert.Equal(header, response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public void WriteHeaders_NoRetryAfter_WritesNone()
    {
        var response = new Microsoft.AspNetCore.Http.DefaultHttpContext().Response;

        ErrorTable.WriteHeaders(response, InferenceError.Invalid("top_k", "bad"));

        Assert.False(response.Headers.ContainsKey("Retry-After"));
    }
}
