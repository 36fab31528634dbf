using System.Text;
using DicomWeb.Server.Http;
using DicomWeb.Storage.Retrieval;

namespace DicomWeb.Server.Wado;

/// <summary>
/// A response body of instances sent as stored, whose length is known before the first byte: a single application/dicom
/// body, or a multipart/related body whose framing (boundaries and part headers) is sized ahead. So the response carries
/// Content-Length instead of chunked transfer encoding, and the blobs are copied straight into the response pipe.
/// </summary>
/// <remarks>The framing is byte for byte what <see cref="Multipart.MultipartRelatedWriter"/> writes.</remarks>
internal sealed class StoredInstancesBody
{
    private readonly IReadOnlyList<StoredInstance> _instances;
    private readonly string? _boundary;
    private readonly string _instanceUrlBase;

    private StoredInstancesBody(IReadOnlyList<StoredInstance> instances, string? boundary, string baseUrl)
    {
        _instances = instances;
        _boundary = boundary;
        _instanceUrlBase = baseUrl;
    }

    /// <summary>One instance as a single-part application/dicom body.</summary>
    public static StoredInstancesBody Single(StoredInstance instance) => new([instance], null, "");

    /// <summary>Instances as the parts of a multipart/related body; <paramref name="baseUrl"/> is the DICOMweb root for Content-Location.</summary>
    public static StoredInstancesBody Multipart(IReadOnlyList<StoredInstance> instances, string boundary, string baseUrl) =>
        new(instances, boundary, baseUrl);

    /// <summary>The body's length in bytes.</summary>
    public long Length
    {
        get
        {
            long length = 0;
            for (var i = 0; i < _instances.Count; i++)
                length += _instances[i].Size + (_boundary == null ? 0 : Encoding.UTF8.GetByteCount(PartHeader(i)));
            return length + (_boundary == null ? 0 : Closing().Length);
        }
    }

    /// <summary>
    /// Writes the body after the response headers: <paramref name="first"/> is the first instance's blob, already opened
    /// (it confirmed the instance exists); the others are opened in turn through <paramref name="open"/>.
    /// </summary>
    public async Task WriteAsync(HttpResponse response, Stream first, Func<StoredInstance, CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        response.ContentLength = Length;
        // Headers go into the pipe now, so that the body is read straight into the pipe's memory behind them; a body
        // written before the start would be buffered aside and copied once more.
        await response.StartAsync(cancellationToken);
        var output = response.BodyWriter;
        var flushEvery = _instances.Count == 1 ? BlobCopy.WholeBodyFlush : BlobCopy.StreamingFlush;
        for (var i = 0; i < _instances.Count; i++)
        {
            if (_boundary != null) Encoding.UTF8.GetBytes(PartHeader(i), output);
            var blob = i == 0 ? first : await open(_instances[i], cancellationToken);
            try
            {
                if (!await BlobCopy.CopyAsync(blob, 0, _instances[i].Size, output, flushEvery, cancellationToken)) return;
            }
            finally
            {
                if (i > 0) await blob.DisposeAsync();
            }
        }
        if (_boundary != null) Encoding.ASCII.GetBytes(Closing(), output);
        // Kestrel does not flush bytes advanced through GetMemory when the response ends: the last of them go out here.
        await output.FlushAsync(cancellationToken);
    }

    private string PartHeader(int index)
    {
        var instance = _instances[index];
        return (index > 0 ? "\r\n--" : "--") + _boundary + "\r\n" +
               $"Content-Type: {DicomMediaTypes.Dicom}; transfer-syntax={instance.TransferSyntaxUid}\r\n" +
               $"Content-Location: {_instanceUrlBase}/studies/{instance.StudyInstanceUid}/series/{instance.SeriesInstanceUid}/instances/{instance.SopInstanceUid}\r\n\r\n";
    }

    private string Closing() => (_instances.Count > 0 ? "\r\n--" : "--") + _boundary + "--\r\n";
}
