/*
 * schemas_volume.c -- OpenAPI schema tables for core/v1 Volume and its
 * sources.
 *
 * The sources a node agent actually meets are described field by field:
 * hostPath, emptyDir, configMap, secret, projected (and its projections),
 * downwardAPI, persistentVolumeClaim, ephemeral (with the claim template),
 * csi, nfs and image.  The legacy in-tree cloud and network sources are
 * listed as open objects (x-kubernetes-preserve-unknown-fields), so they are
 * accepted and explained by name but their contents are not checked.
 *
 * Field names and types follow Kubernetes v1.32; descriptions are ours.
 * See openapi_int.h for the table format.
 */
#include "openapi/openapi_int.h"

#include <stddef.h>

#define CORE "io.k8s.api.core.v1."

static const struct oa_field f_volume[] = {
    {"awsElasticBlockStore", "AWSElasticBlockStoreVolumeSource",
     "Deprecated AWS EBS disk; use the CSI driver instead."},
    {"azureDisk", "AzureDiskVolumeSource", "Deprecated Azure data disk; use the CSI driver."},
    {"azureFile", "AzureFileVolumeSource", "Deprecated Azure file share; use the CSI driver."},
    {"cephfs", "CephFSVolumeSource", "Deprecated CephFS mount."},
    {"cinder", "CinderVolumeSource", "Deprecated OpenStack Cinder volume; use the CSI driver."},
    {"configMap", "ConfigMapVolumeSource", "Files made from the keys of a ConfigMap."},
    {"csi", "CSIVolumeSource", "Ephemeral storage provided by a CSI driver."},
    {"downwardAPI", "DownwardAPIVolumeSource", "Files holding fields of the pod."},
    {"emptyDir", "EmptyDirVolumeSource",
     "An empty directory created for the pod and deleted with it."},
    {"ephemeral", "EphemeralVolumeSource",
     "A PersistentVolumeClaim created for the pod from a template and deleted with it."},
    {"fc", "FCVolumeSource", "Deprecated Fibre Channel disk."},
    {"flexVolume", "FlexVolumeSource", "Deprecated volume provided by an exec-based plugin."},
    {"flocker", "FlockerVolumeSource", "Deprecated Flocker dataset."},
    {"gcePersistentDisk", "GCEPersistentDiskVolumeSource",
     "Deprecated GCE persistent disk; use the CSI driver."},
    {"gitRepo", "GitRepoVolumeSource", "Deprecated: a directory cloned from a git repository."},
    {"glusterfs", "GlusterfsVolumeSource", "Deprecated GlusterFS mount."},
    {"hostPath", "HostPathVolumeSource",
     "A file or directory of the node's filesystem. Gives access to the host; mostly for "
     "system agents."},
    {"image", "ImageVolumeSource", "The contents of an OCI image or artifact, read-only."},
    {"iscsi", "ISCSIVolumeSource", "An iSCSI disk."},
    {"name", "string", "Name of the volume, a DNS label unique within the pod."},
    {"nfs", "NFSVolumeSource", "An NFS export."},
    {"persistentVolumeClaim", "PersistentVolumeClaimVolumeSource",
     "A PersistentVolumeClaim in the pod's namespace."},
    {"photonPersistentDisk", "PhotonPersistentDiskVolumeSource",
     "Deprecated Photon Controller disk."},
    {"portworxVolume", "PortworxVolumeSource", "Deprecated Portworx volume."},
    {"projected", "ProjectedVolumeSource",
     "Several sources (secrets, config maps, downward API, tokens) merged into one directory."},
    {"quobyte", "QuobyteVolumeSource", "Deprecated Quobyte mount."},
    {"rbd", "RBDVolumeSource", "Deprecated Ceph RBD disk."},
    {"scaleIO", "ScaleIOVolumeSource", "Deprecated ScaleIO volume."},
    {"secret", "SecretVolumeSource", "Files made from the keys of a Secret."},
    {"storageos", "StorageOSVolumeSource", "Deprecated StorageOS volume."},
    {"vsphereVolume", "VsphereVirtualDiskVolumeSource",
     "Deprecated vSphere disk; use the CSI driver."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_host_path[] = {
    {"path", "string", "Path on the host; a symlink is followed."},
    {"type", "string||BlockDevice|CharDevice|Directory|DirectoryOrCreate|File|FileOrCreate|Socket",
     "What must exist at the path: empty (no check), DirectoryOrCreate, Directory, "
     "FileOrCreate, File, Socket, CharDevice or BlockDevice."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_empty_dir[] = {
    {"medium", "string",
     "Storage medium: empty for the node's default disk, or Memory for a tmpfs."},
    {"sizeLimit", "Quantity",
     "Most storage the directory may use; for Memory it also caps the tmpfs."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_config_map_volume[] = {
    {"defaultMode", "int32",
     "Permission bits of the created files, 0000-0777 (octal) or 0-511 (decimal). Defaults to "
     "0644."},
    {"items", "[]KeyToPath",
     "Which keys to project and where; if empty every key becomes a file named after it."},
    {"name", "string", "Name of the ConfigMap in the pod's namespace."},
    {"optional", "bool", "Whether the ConfigMap or its keys may be missing."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_key_to_path[] = {
    {"key", "string", "Key to project."},
    {"mode", "int32", "Permission bits of this file; defaults to the volume's defaultMode."},
    {"path", "string", "Relative path of the file; may not contain '..'."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_secret_volume[] = {
    {"defaultMode", "int32",
     "Permission bits of the created files, 0000-0777 (octal) or 0-511 (decimal). Defaults to "
     "0644."},
    {"items", "[]KeyToPath",
     "Which keys to project and where; if empty every key becomes a file named after it."},
    {"optional", "bool", "Whether the Secret or its keys may be missing."},
    {"secretName", "string", "Name of the Secret in the pod's namespace."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_projected_volume[] = {
    {"defaultMode", "int32", "Permission bits of the created files. Defaults to 0644."},
    {"sources", "[]VolumeProjection", "The sources to merge."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_volume_projection[] = {
    {"clusterTrustBundle", "ClusterTrustBundleProjection",
     "Certificates from ClusterTrustBundle objects, written as one PEM file."},
    {"configMap", "ConfigMapProjection", "Keys of a ConfigMap."},
    {"downwardAPI", "DownwardAPIProjection", "Fields of the pod."},
    {"secret", "SecretProjection", "Keys of a Secret."},
    {"serviceAccountToken", "ServiceAccountTokenProjection",
     "A service account token for the pod."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_cluster_trust_bundle_projection[] = {
    {"labelSelector", "LabelSelector", "Select bundles by label (with signerName)."},
    {"name", "string", "Select one bundle by name."},
    {"optional", "bool", "Whether the pod may start when no bundle is found."},
    {"path", "string", "Relative path of the file to write."},
    {"signerName", "string", "Select bundles of this signer."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_config_map_projection[] = {
    {"items", "[]KeyToPath", "Which keys to project; all if empty."},
    {"name", "string", "Name of the ConfigMap."},
    {"optional", "bool", "Whether the ConfigMap or its keys may be missing."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_downward_api_projection[] = {
    {"items", "[]DownwardAPIVolumeFile", "Files to write."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_secret_projection[] = {
    {"items", "[]KeyToPath", "Which keys to project; all if empty."},
    {"name", "string", "Name of the Secret."},
    {"optional", "bool", "Whether the Secret or its keys may be missing."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_service_account_token_projection[] = {
    {"audience", "string", "Intended audience of the token; defaults to the API server."},
    {"expirationSeconds", "int64",
     "Requested lifetime; the kubelet refreshes the token before it expires. Defaults to one "
     "hour, at least ten minutes."},
    {"path", "string", "Relative path of the token file."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_downward_api_volume[] = {
    {"defaultMode", "int32", "Permission bits of the created files. Defaults to 0644."},
    {"items", "[]DownwardAPIVolumeFile", "Files to write."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_downward_api_volume_file[] = {
    {"fieldRef", "ObjectFieldSelector",
     "Pod field to write: metadata name, namespace, uid, labels or annotations."},
    {"mode", "int32", "Permission bits of this file."},
    {"path", "string", "Relative path of the file; may not contain '..'."},
    {"resourceFieldRef", "ResourceFieldSelector", "Container resource limit or request to write."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pvc_volume[] = {
    {"claimName", "string", "Name of the PersistentVolumeClaim in the pod's namespace."},
    {"readOnly", "bool", "Mount read-only. Defaults to false."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_csi_volume[] = {
    {"driver", "string", "Name of the CSI driver."},
    {"fsType", "string", "Filesystem type, e.g. ext4; the driver picks a default."},
    {"nodePublishSecretRef", "LocalObjectReference",
     "Secret passed to the driver's publish calls."},
    {"readOnly", "bool", "Mount read-only. Defaults to false."},
    {"volumeAttributes", "{}string", "Driver-specific settings."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_nfs_volume[] = {
    {"path", "string", "Path exported by the server."},
    {"readOnly", "bool", "Mount read-only. Defaults to false."},
    {"server", "string", "Host name or IP of the NFS server."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_image_volume[] = {
    {"pullPolicy", "string|Always|IfNotPresent|Never",
     "When to pull: Always, Never or IfNotPresent."},
    {"reference", "string", "Image or artifact reference, as for a container image."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_ephemeral_volume[] = {
    {"volumeClaimTemplate", "PersistentVolumeClaimTemplate",
     "Template of the claim created for the pod, named <pod>-<volume>."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pvc_template[] = {
    {"metadata", "ObjectMeta", "Labels and annotations copied to the claim."},
    {"spec", "PersistentVolumeClaimSpec", "Specification of the claim."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pvc_spec[] = {
    {"accessModes", "[]string",
     "Access modes wanted, e.g. ReadWriteOnce, ReadOnlyMany, ReadWriteMany."},
    {"dataSource", "TypedLocalObjectReference",
     "Existing snapshot or claim to fill the new volume from."},
    {"dataSourceRef", "TypedObjectReference",
     "Object to fill the new volume from, possibly in another namespace."},
    {"resources", "VolumeResourceRequirements", "Storage size wanted."},
    {"selector", "LabelSelector", "Label query over volumes to bind to."},
    {"storageClassName", "string", "StorageClass to provision from."},
    {"volumeAttributesClassName", "string", "VolumeAttributesClass for the volume."},
    {"volumeMode", "string|Block|Filesystem", "Filesystem (default) or Block."},
    {"volumeName", "string", "Existing PersistentVolume to bind to."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_typed_local_object_reference[] = {
    {"apiGroup", "string", "API group of the object; empty for the core group."},
    {"kind", "string", "Kind of the object."},
    {"name", "string", "Name of the object."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_typed_object_reference[] = {
    {"apiGroup", "string", "API group of the object; empty for the core group."},
    {"kind", "string", "Kind of the object."},
    {"name", "string", "Name of the object."},
    {"namespace", "string", "Namespace of the object; defaults to the claim's."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_volume_resource_requirements[] = {
    {"limits", "{}Quantity", "Most storage allowed."},
    {"requests", "{}Quantity", "Least storage needed."},
    {NULL, NULL, NULL},
};

/* The legacy sources share one shape: named, open, deprecated. */
#define LEGACY(name, what)                                                                         \
    {                                                                                              \
        CORE name, what " Not described in detail here; any fields are accepted.", NULL, NULL,     \
            OA_OPEN, NULL, NULL                                                                    \
    }

const struct oa_type openapi__types_volume[] = {
    {CORE "Volume", "A named volume a pod's containers can mount; exactly one source is set.", NULL,
     "name", OA_OBJECT, f_volume, NULL},
    {CORE "HostPathVolumeSource", "A path on the node's filesystem.", NULL, "path", OA_OBJECT,
     f_host_path, NULL},
    {CORE "EmptyDirVolumeSource", "A scratch directory that lives as long as the pod.", NULL, NULL,
     OA_OBJECT, f_empty_dir, NULL},
    {CORE "ConfigMapVolumeSource", "Projects the keys of a ConfigMap as files.", NULL, NULL,
     OA_OBJECT, f_config_map_volume, NULL},
    {CORE "KeyToPath", "Maps one key to a file path.", NULL, "key path", OA_OBJECT, f_key_to_path,
     NULL},
    {CORE "SecretVolumeSource", "Projects the keys of a Secret as files.", NULL, NULL, OA_OBJECT,
     f_secret_volume, NULL},
    {CORE "ProjectedVolumeSource", "Merges several sources into one directory.", NULL, NULL,
     OA_OBJECT, f_projected_volume, NULL},
    {CORE "VolumeProjection", "One source of a projected volume; exactly one field is set.", NULL,
     NULL, OA_OBJECT, f_volume_projection, NULL},
    {CORE "ClusterTrustBundleProjection", "Writes ClusterTrustBundle certificates to a file.", NULL,
     "path", OA_OBJECT, f_cluster_trust_bundle_projection, NULL},
    {CORE "ConfigMapProjection", "ConfigMap keys in a projected volume.", NULL, NULL, OA_OBJECT,
     f_config_map_projection, NULL},
    {CORE "DownwardAPIProjection", "Pod fields in a projected volume.", NULL, NULL, OA_OBJECT,
     f_downward_api_projection, NULL},
    {CORE "SecretProjection", "Secret keys in a projected volume.", NULL, NULL, OA_OBJECT,
     f_secret_projection, NULL},
    {CORE "ServiceAccountTokenProjection", "A service account token in a projected volume.", NULL,
     "path", OA_OBJECT, f_service_account_token_projection, NULL},
    {CORE "DownwardAPIVolumeSource", "Writes fields of the pod to files.", NULL, NULL, OA_OBJECT,
     f_downward_api_volume, NULL},
    {CORE "DownwardAPIVolumeFile", "One file of pod information.", NULL, "path", OA_OBJECT,
     f_downward_api_volume_file, NULL},
    {CORE "PersistentVolumeClaimVolumeSource", "Mounts the volume bound to a claim.", NULL,
     "claimName", OA_OBJECT, f_pvc_volume, NULL},
    {CORE "CSIVolumeSource", "An inline volume provided by a CSI driver.", NULL, "driver",
     OA_OBJECT, f_csi_volume, NULL},
    {CORE "NFSVolumeSource", "An NFS mount that lives as long as the pod.", NULL, "path server",
     OA_OBJECT, f_nfs_volume, NULL},
    {CORE "ImageVolumeSource", "Mounts the contents of an OCI image or artifact.", NULL, NULL,
     OA_OBJECT, f_image_volume, NULL},
    {CORE "EphemeralVolumeSource", "A per-pod claim created from a template.", NULL, NULL,
     OA_OBJECT, f_ephemeral_volume, NULL},
    {CORE "PersistentVolumeClaimTemplate", "Template of a PersistentVolumeClaim.", NULL, "spec",
     OA_OBJECT, f_pvc_template, NULL},
    {CORE "PersistentVolumeClaimSpec", "What storage a claim asks for.", NULL, NULL, OA_OBJECT,
     f_pvc_spec, NULL},
    {CORE "TypedLocalObjectReference", "Refers to an object of a given kind in the namespace.",
     NULL, "kind name", OA_OBJECT, f_typed_local_object_reference, NULL},
    {CORE "TypedObjectReference", "Refers to an object of a given kind, in any namespace.", NULL,
     "kind name", OA_OBJECT, f_typed_object_reference, NULL},
    {CORE "VolumeResourceRequirements", "Storage a claim requests and is limited to.", NULL, NULL,
     OA_OBJECT, f_volume_resource_requirements, NULL},
    LEGACY("AWSElasticBlockStoreVolumeSource", "An AWS EBS disk."),
    LEGACY("AzureDiskVolumeSource", "An Azure data disk."),
    LEGACY("AzureFileVolumeSource", "An Azure file share."),
    LEGACY("CephFSVolumeSource", "A CephFS mount."),
    LEGACY("CinderVolumeSource", "An OpenStack Cinder volume."),
    LEGACY("FCVolumeSource", "A Fibre Channel disk."),
    LEGACY("FlexVolumeSource", "A volume from an exec-based plugin."),
    LEGACY("FlockerVolumeSource", "A Flocker dataset."),
    LEGACY("GCEPersistentDiskVolumeSource", "A GCE persistent disk."),
    LEGACY("GitRepoVolumeSource", "A directory cloned from git."),
    LEGACY("GlusterfsVolumeSource", "A GlusterFS mount."),
    LEGACY("ISCSIVolumeSource", "An iSCSI disk."),
    LEGACY("PhotonPersistentDiskVolumeSource", "A Photon Controller disk."),
    LEGACY("PortworxVolumeSource", "A Portworx volume."),
    LEGACY("QuobyteVolumeSource", "A Quobyte mount."),
    LEGACY("RBDVolumeSource", "A Ceph RBD disk."),
    LEGACY("ScaleIOVolumeSource", "A ScaleIO volume."),
    LEGACY("StorageOSVolumeSource", "A StorageOS volume."),
    LEGACY("VsphereVirtualDiskVolumeSource", "A vSphere disk."),
    {NULL, NULL, NULL, NULL, OA_OBJECT, NULL, NULL},
};
