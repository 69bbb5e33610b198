/** Uploaded files (floor plans, later photos and evidence). */
import { apiUrl, http } from './client'

export interface StoredFile {
  id: number
  sha256: string
  content_type: string
  size: number
}

/** Uploads one file as multipart field `file`. */
export function uploadFile(file: File) {
  const form = new FormData()
  form.append('file', file)
  return http.upload<StoredFile>('/files', form)
}

export function fileUrl(id: number) {
  return apiUrl(`/files/${id}`)
}
