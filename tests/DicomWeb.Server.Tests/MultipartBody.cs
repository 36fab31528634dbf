using System.Text;

namespace DicomWeb.Server.Tests;

/// <summary>Hand-built multipart/related bodies, written byte by byte so tests can also build broken ones.</summary>
internal sealed class MultipartBody
{
    private readonly MemoryStream _bytes = new();

    public MultipartBody(string boundary = "DICOMwebBoundary42") => Boundary = boundary;

    public string Boundary { get; }

    public string ContentType(string type = "application/dicom") => $"multipart/related; type=\"{type}\"; boundary={Boundary}";

    public MultipartBody Raw(string text) => Raw(Encoding.ASCII.GetBytes(text));

    public MultipartBody Raw(byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public MultipartBody Part(byte[] content, string? contentType = "application/dicom", string? extraHeaders = null)
    {
        Raw($"\r\n--{Boundary}\r\n");
        if (contentType != null) Raw($"Content-Type: {contentType}\r\n");
        if (extraHeaders != null) Raw(extraHeaders);
        Raw("\r\n");
        return Raw(content);
    }

    public MultipartBody Close() => Raw($"\r\n--{Boundary}--\r\n");

    public byte[] ToArray() => _bytes.ToArray();

    public ByteArrayContent ToContent(string? contentType = null)
    {
        var content = new ByteArrayContent(ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType ?? ContentType());
        return content;
    }
}
