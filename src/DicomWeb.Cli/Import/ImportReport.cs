using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace DicomWeb.Cli.Import;

/// <summary>
/// What the importer shows: a progress line on stderr while it runs (redrawn in place on a terminal, a new line
/// every few seconds otherwise, so logs stay readable) and the final summary.
/// </summary>
public static class ImportReport
{
    private const int ListedFailures = 50;

    /// <summary>Writes progress lines until <paramref name="stop"/> is cancelled, then a last one.</summary>
    public static async Task ShowProgressAsync(ImportCounters counters, TextWriter error, bool terminal, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var interval = terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);
        var lastBytes = 0L;
        var lastTime = TimeSpan.Zero;
        var rate = 0.0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var now = clock.Elapsed;
            var sent = counters.SentBytes;
            var instant = (sent - lastBytes) / Math.Max(0.001, (now - lastTime).TotalSeconds);
            rate = rate == 0 ? instant : 0.7 * rate + 0.3 * instant;
            (lastBytes, lastTime) = (sent, now);
            var line = ProgressLine(counters, rate, now);
            if (terminal) await error.WriteAsync("\r" + line + "\u001b[K");
            else await error.WriteLineAsync(line);
        }
        if (terminal) await error.WriteLineAsync("\r" + ProgressLine(counters, counters.SentBytes / Math.Max(0.001, clock.Elapsed.TotalSeconds), clock.Elapsed) + "\u001b[K");
    }

    /// <summary>One progress line: files done of found, data, rate, failures, elapsed.</summary>
    public static string ProgressLine(ImportCounters counters, double bytesPerSecond, TimeSpan elapsed)
    {
        var total = counters.Found.ToString(CultureInfo.InvariantCulture) + (counters.ScanComplete ? "" : "+");
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"import: {counters.Done}/{total} files, {Megabytes(counters.DoneBytes)}/{Megabytes(counters.FoundBytes)} MB, {bytesPerSecond / 1e6:0.0} MB/s");
        if (counters.Failed > 0) line.Append(CultureInfo.InvariantCulture, $", {counters.Failed} failed");
        if (counters.Duplicates > 0) line.Append(CultureInfo.InvariantCulture, $", {counters.Duplicates} duplicates");
        if (counters.Retries > 0) line.Append(CultureInfo.InvariantCulture, $", {counters.Retries} retries");
        line.Append(CultureInfo.InvariantCulture, $", {elapsed:hh\\:mm\\:ss}");
        return line.ToString();
    }

    /// <summary>The closing summary.</summary>
    public static string Summary(ImportResult result, string folder)
    {
        var c = result.Counters;
        var seconds = Math.Max(0.001, result.Elapsed.TotalSeconds);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"imported {c.Found} DICOM files ({Megabytes(c.FoundBytes)} MB) from {folder} in {seconds:0.0} s: {c.DoneBytes / seconds / 1e6:0.0} MB/s, {c.Done / seconds:0.0} files/s");
        text.AppendLine(CultureInfo.InvariantCulture, $"  stored:      {c.Stored}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  duplicates:  {c.Duplicates} (SOP Instance UID already stored with other content)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  failed:      {c.Failed}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  skipped:     {c.Skipped} (not DICOM Part 10)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  retries:     {c.Retries}");
        var listed = result.Failures.OrderBy(f => f.Duplicate).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
        if (listed.Count > 0)
        {
            text.AppendLine("not stored:");
            foreach (var failure in listed.Take(ListedFailures))
                text.AppendLine(CultureInfo.InvariantCulture, $"  {failure.Path}: {(failure.Duplicate ? "duplicate, " : "")}{failure.Reason}");
            if (listed.Count > ListedFailures) text.AppendLine(CultureInfo.InvariantCulture, $"  … and {listed.Count - ListedFailures} more");
        }
        return text.ToString();
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
}
