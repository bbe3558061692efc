using InferenceApi.Core.Errors;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tests.Scheduling;

/// <summary>The one vocabulary both schedulers answer with: when a waiting request leaves, and with which error.</summary>
public sealed class AdmissionTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false, 1, null)]
    [InlineData(false, 0, DropReason.Expired)]
    [InlineData(false, -1, DropReason.Expired)]
    [InlineData(true, 1, DropReason.Cancelled)]
    [InlineData(true, 0, DropReason.Expired)]
    [InlineData(true, -1, DropReason.Expired)]
    public void Drop_AtTheDeadlineOrCancelled_SaysWhy(bool cancelled, int deadlineInSeconds, DropReason? expected)
    {
        var request = new Waiting(Now.AddSeconds(-3), Now.AddSeconds(deadlineInSeconds), cancelled);

        Assert.Equal(expected, Admission.Drop(request, Now));
    }

    [Theory]
    [InlineData(false, 1, 2999, DropReason.QueueTimeExceeded)]
    [InlineData(false, 1, 3000, null)]
    [InlineData(true, 1, 2000, DropReason.QueueTimeExceeded)]
    [InlineData(true, 1, 3000, DropReason.Cancelled)]
    [InlineData(false, 0, 2000, DropReason.Expired)]
    public void Drop_WaitedLongerThanTheMaxQueueTime_LeavesUnlessTheDeadlineSaidSoFirst(bool cancelled, int deadlineInSeconds, int maxQueueTimeMs, DropReason? expected)
    {
        var request = new Waiting(Now.AddSeconds(-3), Now.AddSeconds(deadlineInSeconds), cancelled);

        Assert.Equal(expected, Admission.Drop(request, Now, TimeSpan.FromMilliseconds(maxQueueTimeMs)));
    }

    [Fact]
    public void Drop_PartOfARequestThatAlreadyStarted_IsNotBoundByTheMaxQueueTime()
    {
        var request = new Waiting(Now.AddSeconds(-3), Now.AddSeconds(1), IsCancelled: false) { RequestStarted = true };

        Assert.Null(Admission.Drop(request, Now, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Dropped_QueueTimeExceeded_Is429WithARetryAfterAsLongAsTheWait()
    {
        var error = Admission.Dropped(DropReason.QueueTimeExceeded, "bert", TimeSpan.FromMilliseconds(1234));

        Assert.Equal(ErrorKind.Overloaded, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), error.RetryAfter);
        Assert.Equal("Model 'bert' is overloaded: this request waited 1234 ms in its queue, longer than the model's MaxQueueTimeMs, and was not run.", error.Message);
    }

    [Fact]
    public void Dropped_Expired_Is504NamingTheModelAndTheWait()
    {
        var error = Admission.Dropped(DropReason.Expired, "gpt", TimeSpan.FromMilliseconds(1234));

        Assert.Equal(ErrorKind.DeadlineExceeded, error.Kind);
        Assert.Equal("The request's deadline passed after 1234 ms in model 'gpt''s queue, before it ran.", error.Message);
    }

    [Fact]
    public void Dropped_Cancelled_IsTheClientsCancellation()
    {
        Assert.Equal(ErrorKind.Cancelled, Admission.Dropped(DropReason.Cancelled, "gpt", TimeSpan.FromSeconds(9)).Kind);
    }

    [Fact]
    public void QueueFull_Is429WithTheCapacityAndWhenToComeBack()
    {
        var error = Admission.QueueFull("bert", 64, TimeSpan.FromSeconds(3));

        Assert.Equal(ErrorKind.Overloaded, error.Kind);
        Assert.Equal(64, error.Limit);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Equal("Model 'bert' is overloaded: its queue holds 64 requests and is full. Retry after 3 s.", error.Message);
    }

    private sealed record Waiting(DateTimeOffset EnqueuedAt, DateTimeOffset Deadline, bool IsCancelled) : IQueuedRequest
    {
        public bool RequestStarted { get; init; }
    }
}
