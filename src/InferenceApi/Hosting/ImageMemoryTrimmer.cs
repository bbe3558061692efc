using System.Runtime;
using InferenceApi.Core.Imaging;

namespace InferenceApi.Hosting;

/// <summary>
/// Gives the memory of a burst of large images back to the system. Pixel buffers past <see cref="PixelBuffers.MaxPooled"/>
/// are not pooled, but an idle server allocates too little to trigger the collection that would free them, so their
/// pages stay resident. Every <see cref="Period"/>, once more than <see cref="Threshold"/> of such buffers were allocated
/// since the last trim and less than that is still in use (the burst is over: collecting while its buffers live would free
/// nothing), one aggressive full collection (compacting, decommitting free memory) returns them; a server that sees no
/// large images never pays for one.
/// </summary>
public sealed class ImageMemoryTrimmer(TimeProvider time, ILogger<ImageMemoryTrimmer> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    public const long Threshold = 64L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var allocated = PixelBuffers.LargeBytesSinceTrim;
                if (allocated < Threshold || PixelBuffers.LargeBytesInUse >= Threshold)
                {
                    continue;
                }

                PixelBuffers.MarkTrimmed();
                var before = Environment.WorkingSet;
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                logger.LogInformation(
                    "Trimmed memory after {AllocatedMiB} MiB of large image buffers: working set {BeforeMiB} MiB -> {AfterMiB} MiB",
                    allocated >> 20,
                    before >> 20,
                    Environment.WorkingSet >> 20);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
