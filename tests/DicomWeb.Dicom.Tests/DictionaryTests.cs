using DicomWeb.Dicom;

namespace DicomWeb.Dicom.Tests;

public class DictionaryTests
{
    [Fact]
    public void PatientName_ByTagAndKeyword()
    {
        var tag = new DicomTag(0x0010, 0x0010);
        Assert.True(DicomDictionary.TryGetEntry(tag, out var entry));
        Assert.Equal("PatientName", entry.Keyword);
        Assert.Equal("Patient's Name", entry.Name);
        Assert.Equal(DicomVR.PN, entry.DefaultVR);
        Assert.Equal([DicomVR.PN], entry.ValueRepresentations);
        Assert.Equal("1", entry.ValueMultiplicity);
        Assert.False(entry.IsRetired);
        Assert.Equal(DicomDictionaryEntry.ExactMask, entry.Mask);
        Assert.False(entry.IsRepeating);

        Assert.True(DicomDictionary.TryGetTag("PatientName", out var byKeyword));
        Assert.Equal(tag, byKeyword);
        Assert.True(DicomDictionary.TryGetTag("xPatientNamex".AsSpan(1, 11), out var bySpan));
        Assert.Equal(tag, bySpan);
        Assert.Equal("PatientName", DicomDictionary.GetKeyword(tag));
        Assert.Equal(DicomVR.PN, DicomDictionary.GetDefaultVR(tag));
        Assert.Equal(tag, DicomTags.PatientName);
    }

    [Fact]
    public void KeywordsAreCaseSensitiveAndUnknownKeywordsFail()
    {
        Assert.False(DicomDictionary.TryGetTag("patientname", out _));
        Assert.False(DicomDictionary.TryGetTag("NoSuchKeyword", out _));
        Assert.False(DicomDictionary.TryGetTag("", out _));
        Assert.False(DicomDictionary.TryGetTag("NoSuchKeyword".AsSpan(), out _));
    }

    [Fact]
    public void SmallestImagePixelValue_HasUSAndSS()
    {
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x0028, 0x0106), out var entry));
        Assert.Equal("SmallestImagePixelValue", entry.Keyword);
        Assert.Equal([DicomVR.US, DicomVR.SS], entry.ValueRepresentations);
        Assert.Equal(DicomVR.US, entry.DefaultVR);
        Assert.True(entry.Permits(DicomVR.SS));
        Assert.False(entry.Permits(DicomVR.OW));
    }

    [Fact]
    public void PixelData_IsOBOrOW_AndLutDataHasThreeVRs()
    {
        Assert.True(DicomDictionary.TryGetEntry(DicomTags.PixelData, out var pixel));
        Assert.Equal(new DicomTag(0x7FE0, 0x0010), pixel.Tag);
        Assert.Equal([DicomVR.OB, DicomVR.OW], pixel.ValueRepresentations);

        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x0028, 0x3006), out var lutData));
        Assert.Equal("LUTData", lutData.Keyword);
        Assert.Equal([DicomVR.US, DicomVR.OW], lutData.ValueRepresentations);
    }

    [Theory]
    [InlineData(0x6000)]
    [InlineData(0x6002)]
    [InlineData(0x601E)]
    public void OverlayData_FoundThroughMask(int group)
    {
        var tag = new DicomTag((ushort)group, 0x3000);
        Assert.True(DicomDictionary.TryGetEntry(tag, out var entry));
        Assert.Equal("OverlayData", entry.Keyword);
        Assert.Equal([DicomVR.OB, DicomVR.OW], entry.ValueRepresentations);
        Assert.Equal(0xFF00FFFFu, entry.Mask);
        Assert.Equal(new DicomTag(0x6000, 0x3000), entry.Tag);
        Assert.True(entry.IsRepeating);
        Assert.True(entry.Matches(tag));
        Assert.False(entry.IsRetired);
        Assert.Equal(DicomVR.OB, DicomDictionary.GetDefaultVR(tag));
        Assert.Equal("OverlayData", DicomDictionary.GetKeyword(tag));
        Assert.Equal("(60xx,3000) OverlayData", entry.ToString());
    }

    [Fact]
    public void OverlayRowsAndKeywordOfRepeatingEntry()
    {
        Assert.Equal(DicomVR.US, DicomDictionary.GetDefaultVR(new DicomTag(0x6004, 0x0010)));
        Assert.Equal("OverlayRows", DicomDictionary.GetKeyword(new DicomTag(0x6004, 0x0010)));
        Assert.True(DicomDictionary.TryGetTag("OverlayData", out var tag));
        Assert.Equal(new DicomTag(0x6000, 0x3000), tag);
        // An odd group is private, not an overlay.
        Assert.False(DicomDictionary.TryGetEntry(new DicomTag(0x6001, 0x3000), out _));
        Assert.Equal(DicomVR.UN, DicomDictionary.GetDefaultVR(new DicomTag(0x6001, 0x3000)));
    }

    [Fact]
    public void CurveData_IsRetiredRepeatingEntry()
    {
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x5002, 0x3000), out var entry));
        Assert.Equal("CurveData", entry.Keyword);
        Assert.True(entry.IsRetired);
        Assert.Equal(0xFF00FFFFu, entry.Mask);
        Assert.Equal([DicomVR.OB, DicomVR.OW], entry.ValueRepresentations);
    }

    [Fact]
    public void VariablePixelData_FoundThroughMask()
    {
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x7F02, 0x0010), out var entry));
        Assert.Equal("VariablePixelData", entry.Keyword);
        Assert.True(entry.IsRetired);
        Assert.Equal(new DicomTag(0x7F00, 0x0010), entry.Tag);
        // (7FE0,0010) is Pixel Data, an exact entry that wins over 7Fxx.
        Assert.Equal("PixelData", DicomDictionary.GetKeyword(new DicomTag(0x7FE0, 0x0010)));
    }

    [Fact]
    public void ElementMasks_SourceImageIDsAndEscapeTriplet()
    {
        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x0020, 0x3105), out var source));
        Assert.Equal("SourceImageIDs", source.Keyword);
        Assert.Equal(0xFFFFFF00u, source.Mask);

        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x1000, 0x0120), out var escape));
        Assert.Equal("EscapeTriplet", escape.Keyword);
        Assert.Equal(0xFFFF000Fu, escape.Mask);
        Assert.Equal("(1000,xxx0) EscapeTriplet", escape.ToString());

        Assert.True(DicomDictionary.TryGetEntry(new DicomTag(0x1000, 0x0121), out var run));
        Assert.Equal("RunLengthTriplet", run.Keyword);
    }

    [Fact]
    public void GroupLength_IsSynthesized()
    {
        var tag = new DicomTag(0x0008, 0x0000);
        Assert.True(DicomDictionary.TryGetEntry(tag, out var entry));
        Assert.Equal("GroupLength", entry.Keyword);
        Assert.Equal(DicomVR.UL, entry.DefaultVR);
        Assert.True(entry.Matches(tag));
        Assert.Equal(DicomVR.UL, DicomDictionary.GetDefaultVR(new DicomTag(0x0029, 0x0000)));
        Assert.Equal(DicomVR.UL, DicomDictionary.GetDefaultVR(new DicomTag(0x6000, 0x0000)));
        // Named group lengths keep their own entries.
        Assert.Equal("FileMetaInformationGroupLength", DicomDictionary.GetKeyword(new DicomTag(0x0002, 0x0000)));
        Assert.Equal("CommandGroupLength", DicomDictionary.GetKeyword(new DicomTag(0x0000, 0x0000)));
    }

    [Fact]
    public void PrivateCreator_IsSynthesized()
    {
        var tag = new DicomTag(0x0029, 0x0010);
        Assert.True(DicomDictionary.TryGetEntry(tag, out var entry));
        Assert.Equal("PrivateCreator", entry.Keyword);
        Assert.Equal(DicomVR.LO, entry.DefaultVR);
        Assert.Equal(tag, entry.Tag);
        Assert.Equal(DicomVR.LO, DicomDictionary.GetDefaultVR(new DicomTag(0x0009, 0x00FF)));
        Assert.Equal("PrivateCreator", DicomDictionary.GetKeyword(new DicomTag(0x7FE1, 0x0010)));
    }

    [Fact]
    public void UnknownPrivateAndPublicTags()
    {
        var privateTag = new DicomTag(0x0029, 0x1010);
        Assert.False(DicomDictionary.TryGetEntry(privateTag, out _));
        Assert.Equal(DicomVR.UN, DicomDictionary.GetDefaultVR(privateTag));
        Assert.Null(DicomDictionary.GetKeyword(privateTag));

        var unknownPublic = new DicomTag(0x0008, 0xFFF0);
        Assert.False(DicomDictionary.TryGetEntry(unknownPublic, out _));
        Assert.Equal(DicomVR.UN, DicomDictionary.GetDefaultVR(unknownPublic));
        Assert.Null(DicomDictionary.GetKeyword(unknownPublic));

        // (0029,0001-000F) are neither creators nor data elements.
        Assert.Equal(DicomVR.UN, DicomDictionary.GetDefaultVR(new DicomTag(0x0029, 0x0005)));
    }

    [Fact]
    public void ItemsAndDelimiters_HaveNoVR()
    {
        Assert.Equal(DicomVR.None, DicomDictionary.GetDefaultVR(DicomTag.Item));
        Assert.Equal(DicomVR.None, DicomDictionary.GetDefaultVR(DicomTag.ItemDelimitationItem));
        Assert.Equal(DicomVR.None, DicomDictionary.GetDefaultVR(DicomTag.SequenceDelimitationItem));
        Assert.Equal(DicomVR.None, DicomDictionary.GetDefaultVR(new DicomTag(0xFFFE, 0x1234)));
        Assert.Equal("Item", DicomDictionary.GetKeyword(DicomTag.Item));
        Assert.Equal(DicomTag.Item, DicomTags.Item);
    }

    [Fact]
    public void GeneratedTagFields_MatchDictionary()
    {
        Assert.Equal(new DicomTag(0x0008, 0x0018), DicomTags.SOPInstanceUID);
        Assert.Equal(new DicomTag(0x0020, 0x000D), DicomTags.StudyInstanceUID);
        Assert.Equal(new DicomTag(0x0002, 0x0010), DicomTags.TransferSyntaxUID);
        Assert.Equal(DicomVR.SQ, DicomDictionary.GetDefaultVR(DicomTags.ReferencedSeriesSequence));
        Assert.True(DicomDictionary.TryGetEntry(DicomTags.CommandLengthToEnd, out var retired));
        Assert.True(retired.IsRetired);
    }

    [Fact]
    public void EveryKeywordRoundTrips()
    {
        var count = 0;
        var repeating = 0;
        foreach (var entry in DicomDictionary.Entries)
        {
            if (entry.Keyword.Length == 0) continue;
            if (!DicomDictionary.TryGetTag(entry.Keyword, out var tag))
            {
                // Only repeating entries whose lowest tag belongs to another attribute have no keyword lookup.
                Assert.True(entry.IsRepeating, entry.Keyword);
                Assert.True(entry.Tag.Element == 0 || DicomDictionary.GetKeyword(entry.Tag) != entry.Keyword, entry.Keyword);
                continue;
            }
            Assert.Equal(entry.Tag, tag);
            Assert.True(DicomDictionary.TryGetEntry(tag, out var back), entry.Keyword);
            if (tag.Element != 0) Assert.Same(entry, back);
            if (entry.IsRepeating) repeating++;
            count++;
        }
        Assert.True(count > 4000, $"only {count} keyworded entries");
        Assert.True(repeating > 50, $"only {repeating} repeating keywords");
        Assert.False(DicomDictionary.TryGetTag("RowsForNthOrderCoefficients", out _));
        Assert.False(DicomDictionary.TryGetTag("EscapeTriplet", out _));
    }

    [Fact]
    public void Counts_AreSane()
    {
        var exact = 0;
        var repeating = 0;
        var retired = 0;
        foreach (var entry in DicomDictionary.Entries)
        {
            if (entry.IsRepeating) repeating++;
            else exact++;
            if (entry.IsRetired) retired++;
        }
        Assert.True(exact > 4000, $"only {exact} tags");
        Assert.True(repeating >= 80, $"only {repeating} repeating entries");
        Assert.True(retired > 300, $"only {retired} retired entries");
        Assert.True(DicomUidRegistry.All.Count > 400);
    }

    [Fact]
    public void UidRegistry_Lookups()
    {
        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.5.1.4.1.1.2", out var ct));
        Assert.Equal("CT Image Storage", ct.Name);
        Assert.Equal("CTImageStorage", ct.Keyword);
        Assert.Equal(DicomUidType.SopClass, ct.Type);
        Assert.False(ct.IsRetired);
        Assert.Equal("CT Image Storage", DicomUidRegistry.GetName(DicomUids.CTImageStorage));
        Assert.Equal("CT Image Storage", DicomUidRegistry.GetName("1.2.840.10008.5.1.4.1.1.2\0"));

        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.1.2.1", out var ts));
        Assert.Equal(DicomUidType.TransferSyntax, ts.Type);
        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.1.2.2", out var bigEndian));
        Assert.True(bigEndian.IsRetired);
        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.1.1", out var verification));
        Assert.Equal("Verification SOP Class", verification.Name);
        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.3.1.1.1", out var context));
        Assert.Equal(DicomUidType.ApplicationContextName, context.Type);
        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.1.5.1", out var palette));
        Assert.Equal(DicomUidType.WellKnownSopInstance, palette.Type);
        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.2.16.4", out var dcm));
        Assert.Equal(DicomUidType.CodingScheme, dcm.Type);

        Assert.False(DicomUidRegistry.TryGet("1.2.3.4", out _));
        Assert.Null(DicomUidRegistry.GetName("1.2.3.4"));
    }

    [Fact]
    public void TransferSyntax_NativeSyntaxes()
    {
        var implicitLe = DicomTransferSyntax.Lookup("1.2.840.10008.1.2");
        Assert.Same(DicomTransferSyntax.ImplicitVRLittleEndian, implicitLe);
        Assert.False(implicitLe.IsExplicitVR);
        Assert.False(implicitLe.IsBigEndian);
        Assert.False(implicitLe.IsEncapsulated);
        Assert.Equal("Implicit VR Little Endian", implicitLe.Name);
        Assert.Null(implicitLe.MediaType);

        var explicitLe = DicomTransferSyntax.ExplicitVRLittleEndian;
        Assert.True(explicitLe.IsExplicitVR);
        Assert.False(explicitLe.IsBigEndian || explicitLe.IsDeflated || explicitLe.IsEncapsulated || explicitLe.IsLossy || explicitLe.IsRetired);

        var bigEndian = DicomTransferSyntax.Lookup("1.2.840.10008.1.2.2");
        Assert.Same(DicomTransferSyntax.ExplicitVRBigEndian, bigEndian);
        Assert.True(bigEndian.IsBigEndian);
        Assert.True(bigEndian.IsExplicitVR);
        Assert.True(bigEndian.IsRetired);
        Assert.False(bigEndian.IsEncapsulated);

        var deflated = DicomTransferSyntax.Lookup("1.2.840.10008.1.2.1.99");
        Assert.True(deflated.IsDeflated);
        Assert.True(deflated.IsExplicitVR);
        Assert.False(deflated.IsEncapsulated);
        Assert.False(deflated.IsLossy);

        var encapsulatedUncompressed = DicomTransferSyntax.EncapsulatedUncompressedExplicitVRLittleEndian;
        Assert.True(encapsulatedUncompressed.IsEncapsulated);
        Assert.False(encapsulatedUncompressed.IsLossy);
        Assert.False(encapsulatedUncompressed.IsDeflated);
    }

    [Fact]
    public void TransferSyntax_CompressedSyntaxes()
    {
        var baseline = DicomTransferSyntax.Lookup("1.2.840.10008.1.2.4.50");
        Assert.Same(DicomTransferSyntax.JPEGBaseline8Bit, baseline);
        Assert.True(baseline.IsEncapsulated && baseline.IsLossy && baseline.IsExplicitVR);
        Assert.Equal("image/jpeg", baseline.MediaType);

        Assert.False(DicomTransferSyntax.JPEGLosslessSV1.IsLossy);
        Assert.Equal("image/jpeg", DicomTransferSyntax.JPEGLosslessSV1.MediaType);
        Assert.Equal("image/jls", DicomTransferSyntax.JPEGLSLossless.MediaType);
        Assert.True(DicomTransferSyntax.JPEGLSNearLossless.IsLossy);
        Assert.False(DicomTransferSyntax.JPEG2000Lossless.IsLossy);
        Assert.True(DicomTransferSyntax.JPEG2000.IsLossy);
        Assert.Equal("image/jp2", DicomTransferSyntax.JPEG2000.MediaType);
        Assert.Equal("image/jpx", DicomTransferSyntax.JPEG2000MC.MediaType);
        Assert.Equal("image/jphc", DicomTransferSyntax.HTJ2KLossless.MediaType);
        Assert.False(DicomTransferSyntax.HTJ2KLosslessRPCL.IsLossy);
        Assert.True(DicomTransferSyntax.HTJ2K.IsLossy);
        Assert.Equal("High-Throughput JPEG 2000 Image Compression", DicomTransferSyntax.HTJ2K.Name);
        Assert.Equal("image/dicom-rle", DicomTransferSyntax.RLELossless.MediaType);
        Assert.False(DicomTransferSyntax.RLELossless.IsLossy);
        Assert.Equal("video/mpeg", DicomTransferSyntax.MPEG2MPML.MediaType);
        Assert.Equal("video/mp4", DicomTransferSyntax.MPEG4HP41.MediaType);
        Assert.Equal("video/H265", DicomTransferSyntax.HEVCMP51.MediaType);
        Assert.True(DicomTransferSyntax.HEVCM10P51.IsLossy);

        var deflatedFrames = DicomTransferSyntax.Lookup("1.2.840.10008.1.2.8.1");
        Assert.Same(DicomTransferSyntax.DeflatedImageFrameCompression, deflatedFrames);
        Assert.True(deflatedFrames.IsEncapsulated);
        Assert.False(deflatedFrames.IsDeflated);
        Assert.False(deflatedFrames.IsLossy);

        Assert.True(DicomTransferSyntax.JPEGExtended35.IsRetired);
        Assert.False(DicomTransferSyntax.JPEGLossless.IsRetired);
    }

    [Fact]
    public void TransferSyntax_UnknownUid()
    {
        var unknown = DicomTransferSyntax.Lookup("1.2.3.4.5");
        Assert.Equal("1.2.3.4.5", unknown.Uid);
        Assert.Equal("1.2.3.4.5", unknown.Name);
        Assert.True(unknown.IsExplicitVR);
        Assert.False(unknown.IsBigEndian);
        Assert.False(unknown.IsDeflated);
        Assert.True(unknown.IsEncapsulated);
        Assert.Null(unknown.MediaType);
        Assert.DoesNotContain(unknown, DicomTransferSyntax.All);
        Assert.Equal(unknown, DicomTransferSyntax.Lookup("1.2.3.4.5"));
        Assert.False(DicomTransferSyntax.TryGet("1.2.3.4.5", out _));

        // Padding from a UI value is ignored.
        Assert.Same(DicomTransferSyntax.ExplicitVRLittleEndian, DicomTransferSyntax.Lookup("1.2.840.10008.1.2.1\0"));
    }

    [Fact]
    public void TransferSyntax_AllCoversRegistry()
    {
        var registered = 0;
        foreach (var entry in DicomUidRegistry.All)
        {
            if (entry.Type != DicomUidType.TransferSyntax) continue;
            registered++;
            Assert.True(DicomTransferSyntax.TryGet(entry.Uid, out var syntax), entry.Uid);
            Assert.Equal(entry.Name, syntax.Name);
            Assert.Equal(entry.IsRetired, syntax.IsRetired);
        }
        Assert.Equal(registered, DicomTransferSyntax.All.Count);
        foreach (var syntax in DicomTransferSyntax.All)
        {
            var native = syntax.Uid is "1.2.840.10008.1.2" or "1.2.840.10008.1.2.1" or "1.2.840.10008.1.2.2"
                or "1.2.840.10008.1.2.1.99" or "1.2.840.10008.1.20";
            Assert.Equal(!native, syntax.IsEncapsulated);
            Assert.Equal(syntax.Uid is "1.2.840.10008.1.2" or "1.2.840.10008.1.20", !syntax.IsExplicitVR);
        }
    }
}
