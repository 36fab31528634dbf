using System.Diagnostics;
using System.Diagnostics.Metrics;
using DicomWeb.Storage.Index;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// The server's own instruments (meter <c>DicomWeb.Server</c>): request and response body sizes per route, and the
/// number and total size of stored instances. Request rate and latency per route come from ASP.NET Core's
/// <c>http.server.request.duration</c>.
/// </summary>
public sealed class DicomWebMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "DicomWeb.Server";

    private readonly Histogram<long> _requestBody;
    private readonly Histogram<long> _responseBody;
    private readonly IDbContextFactory<DicomIndexContext> _contexts;
    private readonly TimeSpan _refresh;
    private readonly ILogger<DicomWebMetrics> _logger;
    private readonly Lock _gate = new();
    private (long Instances, long Bytes) _storage;
    private long _storageReadAt;
    private bool _storageKnown;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>.</summary>
    public DicomWebMetrics(IMeterFactory meters, IDbContextFactory<DicomIndexContext> contexts, MetricsOptions options, ILogger<DicomWebMetrics> logger)
    {
        _contexts = contexts;
        _refresh = TimeSpan.FromSeconds(options.StorageRefreshSeconds);
        _logger = logger;
        var meter = meters.Create(MeterName);
        _requestBody = meter.CreateHistogram<long>("http.server.request.body.size", "By", "Bytes read from request bodies");
        _responseBody = meter.CreateHistogram<long>("http.server.response.body.size", "By", "Bytes written to response bodies");
        meter.CreateObservableGauge("dicomweb.storage.instances", () => Storage().Instances, "{instance}", "Instances in the index");
        meter.CreateObservableGauge("dicomweb.storage.size", () => Storage().Bytes, "By", "Total size of the stored instances");
    }

    /// <summary>Records the body sizes of one request.</summary>
    public void RecordBodies(string method, string? route, long bytesIn, long bytesOut)
    {
        var tags = new TagList { { "http.request.method", method } };
        if (route != null) tags.Add("http.route", route);
        _requestBody.Record(bytesIn, tags);
        _responseBody.Record(bytesOut, tags);
    }

    // Gauges are read on each scrape; counting a large index on every one would be wasteful, so the answer is reused for a while.
    private (long Instances, long Bytes) Storage()
    {
        lock (_gate)
        {
            if (_storageKnown && Stopwatch.GetElapsedTime(_storageReadAt) < _refresh) return _storage;
            try
            {
                using var db = _contexts.CreateDbContext();
                var instances = db.Instances.LongCount();
                var bytes = db.Instances.Sum(i => (long?)i.Size) ?? 0;
                _storage = (instances, bytes);
                _storageKnown = true;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                _logger.LogWarning(e, "storage metrics: the index cannot be read");
            }
            _storageReadAt = Stopwatch.GetTimestamp();
            return _storage;
        }
    }
}
