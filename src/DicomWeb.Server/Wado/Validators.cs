using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DicomWeb.Storage.Retrieval;
using Microsoft.Net.Http.Headers;

namespace DicomWeb.Server.Wado;

/// <summary>
/// ETag, Last-Modified, Cache-Control and conditional GET for WADO responses. The entity tag of one instance is its stored
/// content hash; of a study or series, a SHA-256 over its instances' content hashes and store times (so adding, replacing
/// or removing one changes it). A suffix names the representation (Part 10 multipart, ZIP, JSON…), since a strong tag belongs to one
/// representation; multipart boundaries are derived from the tag so that equal tags mean equal bytes.
/// </summary>
internal sealed class Validators
{
    /// <summary>Instance-level resources change only when an instance is replaced; revalidation after an hour is enough.</summary>
    private const string SingleResourceCacheControl = "private, max-age=3600";

    /// <summary>Studies and series grow as instances arrive: always revalidate.</summary>
    private const string CollectionCacheControl = "private, no-cache";

    private Validators(string opaque, DateTime lastModified, bool singleResource)
    {
        Opaque = opaque;
        LastModified = lastModified;
        SingleResource = singleResource;
    }

    /// <summary>The entity tag without quotes.</summary>
    public string Opaque { get; }

    /// <summary>The entity tag, quoted.</summary>
    public string ETag => "\"" + Opaque + "\"";

    /// <summary>The newest store time, to the second.</summary>
    public DateTime LastModified { get; }

    /// <summary>True for an instance-level resource.</summary>
    public bool SingleResource { get; }

    /// <summary>A multipart boundary that depends only on the entity tag.</summary>
    public string Boundary => "DicomWeb-" + (Opaque.Length > 40 ? Opaque[..40] : Opaque).Replace('.', '-').Replace(':', '-');

    /// <summary>Validators of a representation of <paramref name="instances"/>.</summary>
    /// <param name="instances">The instances the response holds.</param>
    /// <param name="representation">A short name of the representation, e.g. <c>dcm</c>, <c>zip</c>, <c>json</c>; empty for the stored bytes themselves.</param>
    /// <param name="singleResource">True when the URL names one instance (or part of one).</param>
    public static Validators For(IReadOnlyList<StoredInstance> instances, string representation, bool singleResource)
    {
        string hash;
        if (instances.Count == 1) hash = instances[0].ContentHash;
        else
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var instance in instances)
            {
                sha.AppendData(Encoding.ASCII.GetBytes(instance.ContentHash));
                sha.AppendData(BitConverter.GetBytes(instance.StoredAt.Ticks));
            }
            hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        }
        var newest = instances.Count == 0 ? DateTime.UnixEpoch : instances.Max(i => i.StoredAt);
        newest = new DateTime(newest.Ticks - newest.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        return new Validators(representation.Length == 0 ? hash : hash + "-" + representation, newest, singleResource);
    }

    /// <summary>Sets ETag, Last-Modified and Cache-Control on <paramref name="response"/>.</summary>
    public void Apply(HttpResponse response)
    {
        response.Headers.ETag = ETag;
        response.Headers.LastModified = LastModified.ToString("R", CultureInfo.InvariantCulture);
        response.Headers.CacheControl = SingleResource ? SingleResourceCacheControl : CollectionCacheControl;
    }

    /// <summary>
    /// True when the client's copy is current (RFC 9110 §13.1.2, §13.1.3): If-None-Match, when present, decides by weak
    /// comparison; otherwise If-Modified-Since.
    /// </summary>
    public bool IsNotModified(HttpRequest request)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)) return false;
            foreach (var tag in tags)
                if (tag.Tag == "*" || tag.Tag.AsSpan().Trim('"').SequenceEqual(Opaque)) return true;
            return false;
        }
        var since = request.Headers.IfModifiedSince;
        return since.Count > 0 && HeaderUtilities.TryParseDate(since.ToString(), out var date) && LastModified <= date.UtcDateTime;
    }

    /// <summary>True when an If-Range header is absent or names this representation (strong comparison, or a date not older than it).</summary>
    public bool RangeAllowed(HttpRequest request)
    {
        var ifRange = request.Headers.IfRange.ToString();
        if (string.IsNullOrEmpty(ifRange)) return true;
        if (ifRange.StartsWith('"')) return ifRange == ETag;
        return HeaderUtilities.TryParseDate(ifRange, out var date) && LastModified <= date.UtcDateTime;
    }

    /// <summary>A 304 result with the validators.</summary>
    public IResult NotModified() => new NotModifiedResult(this);

    private sealed class NotModifiedResult(Validators validators) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            validators.Apply(httpContext.Response);
            httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
    }
}
