using System.IO.Compression;
using System.Text;
using DicomWeb.Dicom.IO;

namespace DicomWeb.Dicom;

/// <summary>
/// Writes DICOM Part 10 files (PS3.10 §7.1): the 128-byte preamble (the file's own, else zeros), "DICM", the File
/// Meta Information in explicit VR little endian with its group length recomputed and (0002,0010) set to the target
/// transfer syntax, then the data set in that transfer syntax.
/// </summary>
/// <remarks>
/// <para>Supported encodings: implicit VR little endian, explicit VR little endian, explicit VR big endian (numeric
/// values swapped by their VR's unit; OB, UN and strings untouched; encapsulated pixel data refused), the deflated
/// syntaxes (raw deflate of everything after the File Meta Information) and every encapsulated syntax (explicit VR
/// little endian with pixel data fragments).</para>
/// <para>The writer encodes what the model holds; it does not transcode pixel data. A fragment sequence is written
/// as fragments whatever the target, and native pixel data as a plain value.</para>
/// <para>Values are padded to even length (UI with NUL, other strings with space, binary with zero). Values that
/// explicit VR cannot carry under their own VR (a 16-bit-length VR longer than 65534 bytes) are written as UN with the
/// same bytes (PS3.5 §6.2.2). Group lengths present in the data set are recomputed, never copied (see
/// <see cref="DicomWriterOptions.GroupLengths"/>). Bulk data left in its source and pixel fragments are streamed
/// through one pooled buffer; the underlying stream only receives buffer-sized writes.</para>
/// <para>A well-formed explicit VR little endian file read with <see cref="DicomFile.Open"/> and written back in its
/// own transfer syntax with default options comes out byte for byte identical.</para>
/// </remarks>
public static class DicomFileWriter
{
    /// <summary>Implementation Class UID (0002,0012) written when the File Meta Information has none.</summary>
    public const string ImplementationClassUid = "2.25.311155096494165541076682643013053880211";

    /// <summary>Implementation Version Name (0002,0013) written along with <see cref="ImplementationClassUid"/>.</summary>
    public const string ImplementationVersionName = "DICOMWEB_1";

    /// <summary>Writes <paramref name="file"/> in the transfer syntax it was read in (<see cref="DicomFile.TransferSyntax"/>).</summary>
    public static void Write(Stream stream, DicomFile file, DicomWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        Write(stream, file, file.TransferSyntax, options);
    }

    /// <summary>Writes <paramref name="file"/> in <paramref name="transferSyntax"/>.</summary>
    /// <exception cref="NotSupportedException">Encapsulated pixel data with a big endian transfer syntax.</exception>
    /// <exception cref="InvalidOperationException">A value cannot be encoded (too long, or only a BulkDataURI).</exception>
    public static void Write(Stream stream, DicomFile file, DicomTransferSyntax transferSyntax, DicomWriterOptions? options = null) =>
        WriteCore(stream, file, transferSyntax, options ?? DicomWriterOptions.Default, async: false, default).GetAwaiter().GetResult();

    /// <summary>
    /// Writes <paramref name="file"/> to <paramref name="path"/> (in <paramref name="transferSyntax"/>, else its own), through a
    /// temporary file next to it that replaces the target at the end, so a file can be saved over the one it was read
    /// from while its bulk data is still read from there.
    /// </summary>
    public static void Write(string path, DicomFile file, DicomTransferSyntax? transferSyntax = null, DicomWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(file);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                Write(stream, file, transferSyntax ?? file.TransferSyntax, options);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes <paramref name="file"/> asynchronously in the transfer syntax it was read in.</summary>
    public static Task WriteAsync(Stream stream, DicomFile file, DicomWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        return WriteAsync(stream, file, file.TransferSyntax, options, cancellationToken);
    }

    /// <summary>Writes <paramref name="file"/> asynchronously in <paramref name="transferSyntax"/>.</summary>
    /// <exception cref="NotSupportedException">Encapsulated pixel data with a big endian transfer syntax.</exception>
    /// <exception cref="InvalidOperationException">A value cannot be encoded (too long, or only a BulkDataURI).</exception>
    public static Task WriteAsync(Stream stream, DicomFile file, DicomTransferSyntax transferSyntax, DicomWriterOptions? options = null,
        CancellationToken cancellationToken = default) =>
        WriteCore(stream, file, transferSyntax, options ?? DicomWriterOptions.Default, async: true, cancellationToken).AsTask();

    /// <summary>
    /// The File Meta Information as it will be written for <paramref name="transferSyntax"/>: the file's group 0002
    /// elements, (0002,0010) replaced when it names another syntax, and missing required elements added (version,
    /// media storage SOP class/instance from the data set, implementation class UID). The group length element is a
    /// placeholder; the writer computes its value.
    /// </summary>
    public static DicomDataset BuildFileMetaInformation(DicomFile file, DicomTransferSyntax transferSyntax)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        var meta = new DicomDataset();
        meta.Set(new DicomDataElement(DicomTags.FileMetaInformationGroupLength, DicomVR.UL, new byte[4]));
        foreach (var element in file.FileMetaInformation)
            if (element.Tag.Group == 0x0002 && element.Tag != DicomTags.FileMetaInformationGroupLength) meta.Set(element);

        if (!meta.Contains(DicomTags.FileMetaInformationVersion))
            meta.Set(new DicomDataElement(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0x00, 0x01 }));
        if (!meta.Contains(DicomTags.MediaStorageSOPClassUID) && file.Dataset.GetString(DicomTags.SOPClassUID) is { Length: > 0 } sopClass)
            meta.Set(Uid(DicomTags.MediaStorageSOPClassUID, sopClass));
        if (!meta.Contains(DicomTags.MediaStorageSOPInstanceUID) && file.Dataset.GetString(DicomTags.SOPInstanceUID) is { Length: > 0 } sopInstance)
            meta.Set(Uid(DicomTags.MediaStorageSOPInstanceUID, sopInstance));
        // Keep the source's element (and so its exact bytes) when it already names the target syntax.
        if (!string.Equals(meta.GetString(DicomTags.TransferSyntaxUID), transferSyntax.Uid, StringComparison.Ordinal))
            meta.Set(Uid(DicomTags.TransferSyntaxUID, transferSyntax.Uid));
        if (!meta.Contains(DicomTags.ImplementationClassUID))
        {
            meta.Set(Uid(DicomTags.ImplementationClassUID, ImplementationClassUid));
            if (!meta.Contains(DicomTags.ImplementationVersionName))
                meta.Set(new DicomDataElement(DicomTags.ImplementationVersionName, DicomVR.SH, Encoding.ASCII.GetBytes(ImplementationVersionName)));
        }
        return meta;
    }

    private static DicomDataElement Uid(DicomTag tag, string uid) => new(tag, DicomVR.UI, Encoding.ASCII.GetBytes(uid));

    private static async ValueTask WriteCore(Stream stream, DicomFile file, DicomTransferSyntax transferSyntax, DicomWriterOptions options,
        bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        if (file.Preamble is { Length: not 128 }) throw new ArgumentException("The preamble must be 128 bytes.", nameof(file));
        DicomDatasetWriter.CheckEncodable(file.Dataset, transferSyntax);

        using var writer = new DicomBufferedWriter(stream, options.BufferSize, async, cancellationToken);
        if (file.Preamble is { } preamble) await writer.WriteAsync(preamble, 0).ConfigureAwait(false);
        else await writer.FillAsync(0, 128).ConfigureAwait(false);
        await writer.EnsureAsync(4).ConfigureAwait(false);
        "DICM"u8.CopyTo(writer.Take(4));

        var encoder = new DicomDatasetEncoder(writer, options);
        var meta = BuildFileMetaInformation(file, transferSyntax);
        await encoder.WriteDatasetAsync(meta, null, DicomEncoding.ExplicitLittle).ConfigureAwait(false);
        await DicomDatasetWriter.WriteBodyAsync(writer, encoder, file.Dataset, transferSyntax, options).ConfigureAwait(false);
        await writer.FlushAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// Writes a bare data set (no preamble, no File Meta Information) in a transfer syntax, as sent over DIMSE or stored
/// without a Part 10 header. Same encoding rules as <see cref="DicomFileWriter"/>; a deflated syntax deflates the whole data set.
/// </summary>
public static class DicomDatasetWriter
{
    /// <summary>Writes <paramref name="dataset"/> in <paramref name="transferSyntax"/>.</summary>
    /// <exception cref="NotSupportedException">Encapsulated pixel data with a big endian transfer syntax.</exception>
    /// <exception cref="InvalidOperationException">A value cannot be encoded (too long, or only a BulkDataURI).</exception>
    public static void Write(Stream stream, DicomDataset dataset, DicomTransferSyntax transferSyntax, DicomWriterOptions? options = null) =>
        WriteCore(stream, dataset, transferSyntax, options ?? DicomWriterOptions.Default, async: false, default).GetAwaiter().GetResult();

    /// <summary>Writes <paramref name="dataset"/> asynchronously in <paramref name="transferSyntax"/>.</summary>
    /// <exception cref="NotSupportedException">Encapsulated pixel data with a big endian transfer syntax.</exception>
    /// <exception cref="InvalidOperationException">A value cannot be encoded (too long, or only a BulkDataURI).</exception>
    public static Task WriteAsync(Stream stream, DicomDataset dataset, DicomTransferSyntax transferSyntax, DicomWriterOptions? options = null,
        CancellationToken cancellationToken = default) =>
        WriteCore(stream, dataset, transferSyntax, options ?? DicomWriterOptions.Default, async: true, cancellationToken).AsTask();

    /// <summary>
    /// The number of bytes <see cref="Write"/> would produce for <paramref name="dataset"/> in <paramref name="transferSyntax"/>
    /// (without writing anything; text values are encoded). Not available for deflated syntaxes.
    /// </summary>
    public static long GetLength(DicomDataset dataset, DicomTransferSyntax transferSyntax, DicomWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        if (transferSyntax.IsDeflated) throw new NotSupportedException("The length of deflated output is only known after compressing it.");
        using var writer = new DicomBufferedWriter(Stream.Null, 1024, async: false, default);
        var encoder = new DicomDatasetEncoder(writer, options ?? DicomWriterOptions.Default);
        return encoder.DatasetLength(dataset, null, DicomEncoding.Of(transferSyntax));
    }

    private static async ValueTask WriteCore(Stream stream, DicomDataset dataset, DicomTransferSyntax transferSyntax, DicomWriterOptions options,
        bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        CheckEncodable(dataset, transferSyntax);
        using var writer = new DicomBufferedWriter(stream, options.BufferSize, async, cancellationToken);
        var encoder = new DicomDatasetEncoder(writer, options);
        await WriteBodyAsync(writer, encoder, dataset, transferSyntax, options).ConfigureAwait(false);
        await writer.FlushAsync().ConfigureAwait(false);
    }

    internal static void CheckEncodable(DicomDataset dataset, DicomTransferSyntax transferSyntax)
    {
        if (transferSyntax.IsBigEndian && DicomDatasetEncoder.ContainsFragments(dataset))
            throw new NotSupportedException($"Encapsulated pixel data cannot be written in {transferSyntax.Name}.");
    }

    /// <summary>Writes the data set after whatever precedes it, deflating when the syntax says so.</summary>
    internal static async ValueTask WriteBodyAsync(DicomBufferedWriter writer, DicomDatasetEncoder encoder, DicomDataset dataset,
        DicomTransferSyntax transferSyntax, DicomWriterOptions options)
    {
        var encoding = DicomEncoding.Of(transferSyntax);
        if (!transferSyntax.IsDeflated)
        {
            await encoder.WriteDatasetAsync(dataset, null, encoding).ConfigureAwait(false);
            return;
        }
        // PS3.5 §A.5: raw deflate (RFC 1951, no zlib header) of everything after the File Meta Information.
        var target = writer.Stream;
        var deflate = new DeflateStream(target, options.DeflateCompressionLevel, leaveOpen: true);
        try
        {
            await writer.SwitchStreamAsync(deflate).ConfigureAwait(false);
            await encoder.WriteDatasetAsync(dataset, null, encoding).ConfigureAwait(false);
            await writer.SwitchStreamAsync(target).ConfigureAwait(false);
        }
        finally
        {
            // Disposing writes the final block.
            if (writer.IsAsync) await deflate.DisposeAsync().ConfigureAwait(false);
            else deflate.Dispose();
        }
    }
}
