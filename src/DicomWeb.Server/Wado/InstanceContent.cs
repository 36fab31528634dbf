using DicomWeb.Dicom;
using DicomWeb.Storage.Blobs;
using DicomWeb.Storage.Retrieval;

namespace DicomWeb.Server.Wado;

/// <summary>Writes one stored instance's Part 10 bytes: copied from the blob, or re-encoded in Explicit VR Little Endian.</summary>
internal sealed class InstanceContent(IBlobStore blobs)
{
    private const int CopyBufferSize = 128 * 1024;

    /// <summary>The transfer syntax UID the instance goes out in.</summary>
    public static string OutputTransferSyntax(StoredInstance instance, Delivery delivery) =>
        delivery == Delivery.AsStored ? instance.TransferSyntaxUid : DicomTransferSyntax.ExplicitVRLittleEndian.Uid;

    /// <summary>Opens the instance's blob; throws when the index points at a blob that is gone (a 500: the store is damaged).</summary>
    public async Task<Stream> OpenBlobAsync(StoredInstance instance, CancellationToken cancellationToken) =>
        await blobs.OpenReadAsync(instance.BlobKey, cancellationToken)
        ?? throw new FileNotFoundException($"blob {instance.BlobKey} of instance {instance.SopInstanceUid} is missing from the blob store");

    /// <summary>Opens the instance's precomputed DICOM JSON.</summary>
    public async Task<Stream> OpenMetadataAsync(StoredInstance instance, CancellationToken cancellationToken) =>
        await blobs.OpenReadAsync(instance.MetadataKey, cancellationToken)
        ?? throw new FileNotFoundException($"metadata blob {instance.MetadataKey} of instance {instance.SopInstanceUid} is missing from the blob store");

    /// <summary>Writes the instance to <paramref name="output"/> (used for ZIP entries and single-part bodies).</summary>
    public async Task WriteAsync(StoredInstance instance, Delivery delivery, Stream output, CancellationToken cancellationToken)
    {
        await using var blob = await OpenBlobAsync(instance, cancellationToken);
        if (delivery == Delivery.AsStored) await blob.CopyToAsync(output, CopyBufferSize, cancellationToken);
        else await WriteExplicitLittleAsync(blob, output, cancellationToken);
    }

    /// <summary>
    /// Writes the instance as a whole response body: as stored it is read straight into the response pipe's buffers (no
    /// intermediate copy), which is what a static file server does.
    /// </summary>
    public async Task WriteAsync(StoredInstance instance, Delivery delivery, System.IO.Pipelines.PipeWriter output, CancellationToken cancellationToken)
    {
        await using var blob = await OpenBlobAsync(instance, cancellationToken);
        if (delivery == Delivery.AsStored) await CopyAsync(blob, output, cancellationToken);
        else await WriteExplicitLittleAsync(blob, output.AsStream(leaveOpen: true), cancellationToken);
    }

    /// <summary>Copies a stream into a pipe, reading into the pipe's own memory.</summary>
    public static async Task CopyAsync(Stream source, System.IO.Pipelines.PipeWriter output, CancellationToken cancellationToken)
    {
        while (true)
        {
            var memory = output.GetMemory(CopyBufferSize);
            var read = await source.ReadAsync(memory, cancellationToken);
            if (read == 0) return;
            output.Advance(read);
            var flushed = await output.FlushAsync(cancellationToken);
            if (flushed.IsCompleted || flushed.IsCanceled) return;
        }
    }

    /// <summary>Hands the instance's bytes to <paramref name="consume"/> as a stream (used for multipart parts).</summary>
    public async Task ReadAsync(StoredInstance instance, Delivery delivery, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        await using var blob = await OpenBlobAsync(instance, cancellationToken);
        if (delivery == Delivery.AsStored) await consume(blob);
        else await ProducedStream.RunAsync((output, token) => WriteExplicitLittleAsync(blob, output, token), consume, cancellationToken);
    }

    /// <summary>
    /// Re-encodes a native file in Explicit VR Little Endian: the header is parsed with large values left in the blob, then
    /// written out with those values streamed from it (swapped when the source is big endian).
    /// </summary>
    private static async Task WriteExplicitLittleAsync(Stream blob, Stream output, CancellationToken cancellationToken)
    {
        var file = DicomFile.Read(blob, new DicomReaderOptions(), new SharedStreamSource(blob));
        await DicomFileWriter.WriteAsync(output, file, DicomTransferSyntax.ExplicitVRLittleEndian, null, cancellationToken);
    }

    /// <summary>
    /// Reads values back from the one stream the header was parsed from. The writer reads one value at a time, so the
    /// ranges it opens never overlap in time.
    /// </summary>
    private sealed class SharedStreamSource(Stream stream) : IDicomBulkDataSource
    {
        public Stream OpenRange(long offset, long length)
        {
            stream.Position = offset;
            return new BoundedReadStream(stream, length, ownsInner: false);
        }
    }
}
